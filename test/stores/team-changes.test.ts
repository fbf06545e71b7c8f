// Many people at once on one team database: what one paydesk changes, the others hear (LISTEN/NOTIFY), and a
// database user who may only read is told so instead of getting errors.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../main/core/store/open-store.js';
import { ReadOnlyError, type Store, type StoreChange } from '../../main/core/store/store.js';
import { applyReviewDecision, listReviews, reviewLog } from '../../main/core/reviews.js';
import { freshPgDatabase, type PgDatabase } from '../support/postgres.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function teamDatabase(): Promise<PgDatabase> {
  const team = await freshPgDatabase();
  cleanups.push(() => team.drop());
  return team;
}

async function connect(url: string): Promise<Store> {
  const store = await openStore(url);
  cleanups.push(() => store.close());
  return store;
}

const nextChange = (changes: StoreChange[], count: number, ms = 2000) =>
  new Promise<void>((resolve, reject) => {
    const started = Date.now();
    const check = () => (changes.length >= count ? resolve() : Date.now() - started > ms ? reject(new Error(`no change within ${ms} ms`)) : setTimeout(check, 10));
    check();
  });

describe('a team database shared by several paydesks', () => {
  it('tells the others of a decision when it commits, within 2 seconds, and not the one that made it', async () => {
    const team = await teamDatabase();
    const [ana, ben] = [await connect(team.url), await connect(team.url)];
    const heardByBen: StoreChange[] = [];
    const heardByAna: StoreChange[] = [];
    cleanups.push(await ben.onChange((change) => heardByBen.push(change)));
    cleanups.push(await ana.onChange((change) => heardByAna.push(change)));

    const started = Date.now();
    await ana.write(async () => {
      await applyReviewDecision(ana, { kind: 'stuck', key: 'pay_1', decision: 'escalated', note: '', reviewer: 'ana', decidedAt: 1 }, 'user');
      await ana.announce({ tables: ['reviews'], reviewer: 'ana', decisions: 1 });
      expect(heardByBen).toEqual([]); // not before the commit
    });
    await nextChange(heardByBen, 1);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(heardByBen).toEqual([{ tables: ['reviews'], reviewer: 'ana', decisions: 1 }]);
    expect(heardByAna).toEqual([]);
  });

  it('tells nothing of a decision that rolled back', async () => {
    const team = await teamDatabase();
    const [ana, ben] = [await connect(team.url), await connect(team.url)];
    const heard: StoreChange[] = [];
    cleanups.push(await ben.onChange((change) => heard.push(change)));
    await expect(
      ana.write(async () => {
        await ana.announce({ tables: ['reviews'], reviewer: 'ana', decisions: 1 });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await ana.announce({ tables: ['settings'] });
    await nextChange(heard, 1);
    expect(heard).toEqual([{ tables: ['settings'] }]);
  });

  it('keeps both decisions of two reviewers on one flag in the audit log; the later one is current', async () => {
    const team = await teamDatabase();
    const [ana, ben] = [await connect(team.url), await connect(team.url)];
    const decide = (store: Store, reviewer: string, decision: string, decidedAt: number) =>
      store.write(() => applyReviewDecision(store, { kind: 'duplicates', key: 'pay_1|pay_2', decision, note: reviewer, reviewer, decidedAt }, 'user'));
    await Promise.all([decide(ana, 'ana', 'refund_needed', 1000), decide(ben, 'ben', 'intended', 1001)]);
    const log = await reviewLog(ana, { key: 'pay_1|pay_2' });
    expect(log.map((entry) => entry.reviewer).sort()).toEqual(['ana', 'ben']);
    const [current] = await listReviews(ben, { kind: 'duplicates' });
    expect(current.reviewer).toBe(log[log.length - 1].reviewer);
  });

  it('gives a read-only user the data and a plain "read-only" refusal for writes', async () => {
    const team = await teamDatabase();
    const writer = await connect(team.url);
    await applyReviewDecision(writer, { kind: 'stuck', key: 'pay_1', decision: 'escalated', note: '', reviewer: 'ana', decidedAt: 1 }, 'user');
    const role = `viewer_${Math.random().toString(16).slice(2, 10)}`;
    const admin = new pg.Client({ connectionString: team.url });
    await admin.connect();
    await admin.query(`CREATE ROLE ${role} LOGIN`);
    await admin.query(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role}`);
    await admin.end();
    cleanups.push(async () => {
      const c = new pg.Client({ connectionString: team.url });
      await c.connect();
      await c.query(`DROP OWNED BY ${role}`);
      await c.query(`DROP ROLE ${role}`);
      await c.end();
    });
    const url = new URL(team.url);
    url.username = role;
    const viewer = await connect(url.toString());
    expect(await viewer.canWrite()).toBe(false);
    expect(await writer.canWrite()).toBe(true);
    expect((await listReviews(viewer)).map((r) => r.key)).toEqual(['pay_1']);
    const refused = applyReviewDecision(viewer, { kind: 'stuck', key: 'pay_2', decision: 'escalated', note: '', reviewer: 'cy', decidedAt: 2 }, 'user');
    await expect(refused).rejects.toBeInstanceOf(ReadOnlyError);
    await expect(refused).rejects.toThrow('read-only: decisions and syncs need write access');
  });

  it('says in one line, without the password, that an unreachable server cannot be reached', async () => {
    const error = (await openStore('postgres://ana:s3cret@127.0.0.1:1/paydesk').then(
      () => new Error('opened'),
      (e: unknown) => e,
    )) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/^cannot reach the team database at postgres:\/\/ana@127\.0\.0\.1:1\/paydesk: /);
    expect(error.message).not.toContain('s3cret');
    expect(error.message.split('\n')).toHaveLength(1);
  });
});
