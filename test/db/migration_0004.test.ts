// 0004 adds the flag list tables to a database that already holds data: they start unbuilt, and the first
// refresh fills them with what the rules find.
import { describe, expect, it } from 'vitest';
import { migrate } from '../../main/core/db/migrate.js';
import { MIGRATIONS } from '../../main/core/db/migrations/index.js';
import { duplicatesPage } from '../../main/core/flag-lists/pages.js';
import { flagListsFresh, refreshFlagLists } from '../../main/core/flag-lists/refresh.js';
import { databaseWithRepeatPurchase } from '../support/migrations.js';

describe('migration 0004_flag_lists', () => {
  it('leaves the lists unbuilt on an existing database; the first refresh builds them from its data', async () => {
    const db = databaseWithRepeatPurchase(3, 'succeeded');
    migrate(db.db, MIGRATIONS, 4);
    expect(db.prepare('SELECT count(*) FROM flag_duplicates').pluck().get()).toBe(0);
    migrate(db.db, MIGRATIONS, MIGRATIONS.length); // what the refresh writes has grown since
    expect(await flagListsFresh(db)).toBe(false);
    expect(await refreshFlagLists(db)).toMatchObject({ rebuilt: true, rows: { duplicates: 1, stuck: 0, limited: 0 } });
    expect((await duplicatesPage(db, { offset: 0, limit: 10 })).rows.map((r) => [r.key, r.whilePending])).toEqual([['pay_1|pay_2', true]]);
  });
});
