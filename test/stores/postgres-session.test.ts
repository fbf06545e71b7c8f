// What a team database's sessions are set to as they start (postgres-store.ts SESSION_OPTIONS): JIT off, on a
// database whose own default turns it on, since a misestimated flag query otherwise spends more time compiling
// than running.
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../main/core/store/open-store.js';
import type { Store } from '../../main/core/store/store.js';
import { freshPgDatabase, withPgClient } from '../support/postgres.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('a team database session', () => {
  it('compiles no query, whatever the database defaults to', async () => {
    const db = await freshPgDatabase();
    cleanups.push(db.drop);
    const name = new URL(db.url).pathname.slice(1);
    await withPgClient(db.url, (client) => client.query(`ALTER DATABASE "${name}" SET jit = on`));
    const store: Store = await openStore(db.url);
    cleanups.push(() => store.close());

    // Outside a transaction and inside one: each takes its own connection from the pool.
    expect(await store.value('SHOW jit')).toBe('off');
    expect(await store.write(() => store.value('SHOW jit'))).toBe('off');
    // The database's default is on: a session of another client gets it.
    expect(await withPgClient(db.url, async (client) => (await client.query('SHOW jit')).rows[0].jit)).toBe('on');
  });
});
