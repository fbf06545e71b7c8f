// 0006 keeps each list's size with the flag lists; lists built before it have none, so they are rebuilt.
import { describe, expect, it } from 'vitest';
import { migrate } from '../../main/core/db/migrate.js';
import { MIGRATIONS } from '../../main/core/db/migrations/index.js';
import { flagListTotals } from '../../main/core/flag-lists/pages.js';
import { flagListsFresh, refreshFlagLists } from '../../main/core/flag-lists/refresh.js';
import { databaseWithRepeatPurchase } from '../support/migrations.js';

describe('migration 0006_flag_list_counts', () => {
  it('makes lists built before it stale; the rebuild keeps their sizes', async () => {
    const db = databaseWithRepeatPurchase(5, 'pending');
    db.prepare(`INSERT INTO flag_lists (id, built_for, as_of, settings, notices) VALUES (1, 'x', '1970-01-01T00:00:00.000Z', '{}', '[]')`).run();

    migrate(db.db, MIGRATIONS, 6);
    expect(db.prepare('SELECT count(*) FROM flag_lists').pluck().get()).toBe(0);
    expect(await flagListsFresh(db)).toBe(false);
    migrate(db.db); // the lists of today's code read the later migrations' columns too
    await refreshFlagLists(db);
    expect(await flagListTotals(db)).toEqual({ stuck: 0, duplicates: 1, duplicatesWhilePending: 1, limited: 0, mismatches: 0 }); // 2 min old: not stuck yet
  });
});
