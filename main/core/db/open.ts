import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { migrate } from './migrate.js';

export type Db = Database;

/**
 * Opens (creating if needed) a paydesk database: owner-only file permissions, WAL, migrated.
 * `:memory:` gives a private in-memory database for tests.
 */
export function openDb(file: string): Db {
  if (file !== ':memory:') createOwnerOnly(file);
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Imports insert into several indexes in random key order; a small page cache makes that disk-bound.
  db.pragma('cache_size = -32768');
  // Large sorts (an import building its indexes after the rows, big GROUP BYs) take a helper thread.
  db.pragma('threads = 1');
  migrate(db);
  return db;
}

// SQLite would create the file with the process umask; it holds customer emails, so create it 0600 first.
// SQLite gives the -wal and -shm files the main file's mode.
export function createOwnerOnly(file: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
  const fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
  fs.closeSync(fd);
  if (process.platform !== 'win32') fs.chmodSync(file, 0o600);
}
