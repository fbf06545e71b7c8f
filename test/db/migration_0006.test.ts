// 0006 keeps each list's size with the flag lists; lists built before it have none, so they are rebuilt.
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../main/core/db/migrate.js';
import { MIGRATIONS } from '../../main/core/db/migrations/index.js';
import type { Db } from '../../main/core/db/open.js';
import { flagListTotals } from '../../main/core/flag-lists/pages.js';
import { flagListsFresh, refreshFlagLists } from '../../main/core/flag-lists/refresh.js';

describe('migration 0006_flag_list_counts', () => {
  it('makes lists built before it stale; the rebuild keeps their sizes', () => {
    const db = new BetterSqlite3(':memory:') as unknown as Db;
    migrate(db, MIGRATIONS, 5);
    db.prepare(`INSERT INTO imports (path, content_hash, status, started_at) VALUES ('p.csv', 'h', 'imported', 0)`).run();
    const insert = db.prepare(`INSERT INTO payments (id, account_id, amount_cents, currency, status, created_at, updated_at, import_id, purchase_gap_ms)
      VALUES (?, 'acct_1', 1000, 'usd', 'pending', ?, ?, 1, ?)`);
    insert.run('pay_1', 1_000_000, 1_000_000, null);
    insert.run('pay_2', 1_120_000, 1_120_000, 120_000);
    db.prepare(`INSERT INTO flag_lists (id, built_for, as_of, settings, notices) VALUES (1, 'x', '1970-01-01T00:00:00.000Z', '{}', '[]')`).run();

    migrate(db, MIGRATIONS, 6);
    expect(db.prepare('SELECT count(*) FROM flag_lists').pluck().get()).toBe(0);
    expect(flagListsFresh(db)).toBe(false);
    refreshFlagLists(db);
    expect(flagListTotals(db)).toEqual({ stuck: 0, duplicates: 1, duplicatesWhilePending: 1, limited: 0 }); // 2 min old: not stuck yet
  });
});
