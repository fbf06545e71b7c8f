// A connection to the team database that is lost while paydesk holds it between two queries (inside a transaction,
// a COPY, a page being read) must fail that work with the one-line "cannot reach" message, and never end the
// process: node-postgres reports such a loss as an 'error' event on the checked-out client, which ends a Node
// process that has no listener for it. The pool then carries on with fresh connections.
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../main/core/store/open-store.js';
import { StoreUnavailableError, type Store } from '../../main/core/store/store.js';
import { freshPgDatabase, withPgClient, type PgDatabase } from '../support/postgres.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function teamStore(): Promise<{ db: PgDatabase; store: Store }> {
  const db = await freshPgDatabase();
  cleanups.push(db.drop);
  const store = await openStore(db.url);
  cleanups.push(() => store.close());
  return { db, store };
}

/** Ends a backend from another connection, as a server restart or a dropped network would end it. */
async function terminate(url: string, pid: number): Promise<void> {
  await withPgClient(url, (admin) => admin.query('SELECT pg_terminate_backend($1)', [pid]));
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe('a team database connection lost while paydesk holds it', () => {
  it('fails the read that held it with "cannot reach", and the next read works on a new connection', async () => {
    const { db, store } = await teamStore();
    const held = store.read(async () => {
      const pid = (await store.value<number>('SELECT pg_backend_pid()'))!;
      await terminate(db.url, pid);
      await settle(); // the loss arrives while no query is running on the connection
      return store.value('SELECT 1');
    });
    await expect(held).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(held).rejects.toThrow(/cannot reach the team database/);
    expect(await store.value('SELECT 1')).toBe(1);
  });

  it('fails the write that held it, and leaves nothing of it', async () => {
    const { db, store } = await teamStore();
    const held = store.write(async () => {
      await store.run(`INSERT INTO settings (key, value) VALUES ('lost', 'written')`);
      const pid = (await store.value<number>('SELECT pg_backend_pid()'))!;
      await terminate(db.url, pid);
      await settle();
      await store.run(`UPDATE settings SET value = 'again' WHERE key = 'lost'`);
    });
    await expect(held).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(await store.value(`SELECT value FROM settings WHERE key = 'lost'`)).toBeUndefined();
  });
});
