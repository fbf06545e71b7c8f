import BetterSqlite3 from 'better-sqlite3';
import { expect, it } from 'vitest';
import { BulkInsert } from '../../main/core/import/bulk-insert.js';

const table = () => {
  const db = new BetterSqlite3(':memory:');
  db.exec('CREATE TABLE t (n INTEGER NOT NULL, label TEXT)');
  return db;
};

it('writes every row added, in order, whole statements first and the rest on flush', () => {
  const db = table();
  const rows = new BulkInsert(db, 'INSERT INTO t (n, label) VALUES (?, ?)');
  for (let n = 1; n <= 75; n++) rows.add(n, n % 2 ? null : `row ${n}`);
  const written = () => db.prepare('SELECT count(*) FROM t').pluck().get();
  expect(written()).toBe(64); // two statements of 32 rows; 11 queued
  rows.flush();
  expect(db.prepare('SELECT rowid, n, label FROM t ORDER BY rowid').all()).toEqual(
    Array.from({ length: 75 }, (_, i) => ({ rowid: i + 1, n: i + 1, label: (i + 1) % 2 ? null : `row ${i + 1}` })),
  );
  rows.flush();
  expect(written()).toBe(75);
});

it('refuses a row of the wrong width and a statement it cannot repeat', () => {
  const db = table();
  expect(() => new BulkInsert(db, 'INSERT INTO t SELECT 1, 2')).toThrow(/one-row INSERT/);
  const rows = new BulkInsert(db, 'INSERT INTO t (n, label) VALUES (?, ?)');
  expect(() => rows.add(1)).toThrow(/1 values for 2 columns/);
});
