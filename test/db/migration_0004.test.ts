// 0004 adds the flag list tables to a database that already holds data: they start unbuilt, and the first
// refresh fills them with what the rules find.
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../main/core/db/migrate.js';
import { MIGRATIONS } from '../../main/core/db/migrations/index.js';
import type { Db } from '../../main/core/db/open.js';
import { duplicatesPage } from '../../main/core/flag-lists/pages.js';
import { flagListsFresh, refreshFlagLists } from '../../main/core/flag-lists/refresh.js';

describe('migration 0004_flag_lists', () => {
  it('leaves the lists unbuilt on an existing database; the first refresh builds them from its data', () => {
    const db = new BetterSqlite3(':memory:') as unknown as Db;
    migrate(db, MIGRATIONS, 3);
    db.prepare(`INSERT INTO imports (path, content_hash, status, started_at) VALUES ('p.csv', 'h', 'imported', 0)`).run();
    const insert = db.prepare(`INSERT INTO payments (id, account_id, amount_cents, currency, status, created_at, updated_at, import_id, purchase_gap_ms)
      VALUES (?, 'acct_1', 1000, 'usd', 'succeeded', ?, ?, 1, ?)`);
    insert.run('pay_1', 1_000_000, 1_000_000, null);
    insert.run('pay_2', 1_120_000, 1_120_000, 120_000);

    migrate(db, MIGRATIONS, 4);
    expect(db.prepare('SELECT count(*) FROM flag_duplicates').pluck().get()).toBe(0);
    migrate(db, MIGRATIONS, MIGRATIONS.length); // what the refresh writes has grown since
    expect(flagListsFresh(db)).toBe(false);
    expect(refreshFlagLists(db)).toMatchObject({ rebuilt: true, rows: { duplicates: 1, stuck: 0, limited: 0 } });
    expect(duplicatesPage(db, { offset: 0, limit: 10 }).rows.map((r) => [r.key, r.whilePending])).toEqual([['pay_1|pay_2', true]]);
  });
});
