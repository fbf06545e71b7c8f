import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DatabaseFromFutureError, migrate } from '../../main/core/db/migrate.js';
import { MIGRATIONS } from '../../main/core/db/migrations/index.js';
import { openDb } from '../../main/core/db/open.js';
import { memoryDb, tempDir } from '../support/db.js';

describe('migrations', () => {
  it('bring a new database to the latest version, recorded in user_version', () => {
    const db = memoryDb();
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['payments', 'ledger_entries', 'imports', 'rejected_rows', 'ledger_conflicts', 'reviews', 'review_log', 'settings', 'column_mappings', 'account_totals']));
  });

  it('are idempotent: opening a migrated database again changes nothing', () => {
    const file = path.join(tempDir(), 'p.db');
    openDb(file).close();
    const db = openDb(file);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    db.close();
  });

  it('refuse a database from a newer paydesk', () => {
    const db = new BetterSqlite3(':memory:');
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    expect(() => migrate(db)).toThrow(DatabaseFromFutureError);
  });

  it('refuse a gap in the numbering', () => {
    const db = new BetterSqlite3(':memory:');
    expect(() => migrate(db, [{ version: 1, name: '0001', sql: '' }, { version: 3, name: '0003', sql: '' }])).toThrow(/not contiguous/);
  });

  it('apply all pending migrations in one transaction: a failing one leaves the database untouched', () => {
    const db = new BetterSqlite3(':memory:');
    const broken = [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: 'broken', sql: 'CREATE TABLE x (a); SELECT nonsense FROM nowhere;' }];
    expect(() => migrate(db, broken)).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(db.prepare(`SELECT count(*) AS n FROM sqlite_master`).get()).toEqual({ n: 0 });
  });

  it('create the database file readable by its owner only, in WAL mode', () => {
    const file = path.join(tempDir(), 'nested', 'p.db');
    const db = openDb(file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('keep the review log append-only', () => {
    const db = memoryDb();
    db.prepare(`INSERT INTO review_log (kind, key, decision, reviewer, decided_at, recorded_at, source) VALUES ('stuck', 'p', 'escalated', 'me', 1, 1, 'user')`).run();
    expect(() => db.prepare(`UPDATE review_log SET decision = 'resolved'`).run()).toThrow(/append-only/);
    expect(() => db.prepare(`DELETE FROM review_log`).run()).toThrow(/append-only/);
  });
});
