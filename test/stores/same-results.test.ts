// One core, two stores: on the same data, every list, page, account, follow-up and export reads the same on
// SQLite and on PostgreSQL. The data is the demo's, which plants every case the rules know.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FLAG_SETTINGS, FLAG_KINDS } from '../../shared/domain.js';
import { accountView } from '../../main/core/account.js';
import { writeDemoExports } from '../../main/core/demo/generate.js';
import { duplicatesPage, limitedPage, mismatchesPage, stuckPage, type ListQuery } from '../../main/core/flag-lists/pages.js';
import { refreshFlagLists } from '../../main/core/flag-lists/refresh.js';
import { computeFlags } from '../../main/core/flags/index.js';
import { listFollowups } from '../../main/core/followups.js';
import { syncPaths } from '../../main/core/import/sync.js';
import { listReviews, reviewLog } from '../../main/core/reviews.js';
import { readSettings } from '../../main/core/settings.js';
import type { Store } from '../../main/core/store/store.js';
import { tempDir } from '../support/db.js';
import { storePair, type StorePair } from '../support/stores.js';

let pair: StorePair;

beforeAll(async () => {
  pair = await storePair(async (sqlite) => {
    const demo = await writeDemoExports(tempDir());
    await syncPaths(sqlite, [demo.files.payments, demo.files.ledger, demo.files.stripePayments, demo.files.reviews]);
    await refreshFlagLists(sqlite);
  });
}, 120_000);
afterAll(async () => pair?.close());

/** The same question asked of both stores. */
async function both<T>(ask: (store: Store) => Promise<T>): Promise<{ sqlite: T; postgres: T }> {
  return { sqlite: await ask(pair.sqlite), postgres: await ask(pair.postgres) };
}

describe('the same data on SQLite and on PostgreSQL', () => {
  it('gives the same flags, every list, with the same notices', async () => {
    const { sqlite, postgres } = await both((db) => computeFlags(db, { settings: DEFAULT_FLAG_SETTINGS }));
    for (const kind of FLAG_KINDS) expect(sqlite[kind]?.length, kind).toBeGreaterThan(0);
    expect(postgres).toEqual(sqlite);
  });

  it('gives the same flags under other thresholds and another as-of', async () => {
    const settings = { ...DEFAULT_FLAG_SETTINGS, stuckAfterMinutes: 60, duplicateWindowMinutes: 600, bankDebitStuckAfterMinutes: 60, methodStuckAfterMinutes: { card: 5 } };
    const asOf = (await computeFlags(pair.sqlite, { settings })).asOf;
    const earlier = new Date(Date.parse(asOf) - 3 * 24 * 3600_000).toISOString();
    const { sqlite, postgres } = await both((db) => computeFlags(db, { settings, asOf: earlier }));
    expect(postgres).toEqual(sqlite);
  });

  type AnyPage = { rows: { accountId?: string | null }[] };
  const pages: Record<(typeof FLAG_KINDS)[number], (db: Store, q: ListQuery<never>) => Promise<AnyPage>> = {
    stuck: (db, q) => stuckPage(db, q),
    duplicates: (db, q) => duplicatesPage(db, q),
    limited: (db, q) => limitedPage(db, q, (a, t) => `${a.accountId} under ${t}`),
    mismatches: (db, q) => mismatchesPage(db, q),
  };

  it.each(FLAG_KINDS)('pages the %s list the same way, whole and filtered', async (kind) => {
    const whole = await both((db) => pages[kind](db, { offset: 0, limit: null } as ListQuery<never>));
    expect(whole.sqlite.rows.length).toBeGreaterThan(0);
    expect(whole.postgres).toEqual(whole.sqlite);
    const page = await both((db) => pages[kind](db, { offset: 1, limit: 3 } as ListQuery<never>));
    expect(page.postgres).toEqual(page.sqlite);
    const needle = String(whole.sqlite.rows[0].accountId ?? '').slice(-4);
    const filtered = await both((db) => pages[kind](db, { offset: 0, limit: 50, filter: { text: needle, review: 'open' } } as ListQuery<never>));
    expect(filtered.postgres).toEqual(filtered.sqlite);
  });

  it('shows the same account, follow-ups, decisions and audit log', async () => {
    const flags = await computeFlags(pair.sqlite, { settings: DEFAULT_FLAG_SETTINGS });
    const accountId = flags.duplicates?.[0]?.accountId as string;
    const settings = await readSettings(pair.sqlite);
    expect((await both((db) => accountView(db, accountId, DEFAULT_FLAG_SETTINGS))).postgres).toEqual(await accountView(pair.sqlite, accountId, DEFAULT_FLAG_SETTINGS));
    const followups = await both((db) => listFollowups(db, DEFAULT_FLAG_SETTINGS, { includeDone: true }));
    expect(followups.sqlite.length).toBeGreaterThan(0);
    expect(followups.postgres).toEqual(followups.sqlite);
    expect((await both((db) => listReviews(db))).postgres).toEqual(await listReviews(pair.sqlite));
    expect((await both((db) => reviewLog(db))).postgres).toEqual(await reviewLog(pair.sqlite));
    expect(await readSettings(pair.postgres)).toEqual(settings);
  });
});
