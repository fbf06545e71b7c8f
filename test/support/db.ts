// Test helpers: an in-memory database and exports written to a temp folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { DEFAULT_FLAG_SETTINGS, type FlagSettings, type ImportFileReport } from '../../shared/domain.js';
import type { Database } from 'better-sqlite3';
import { openDb } from '../../main/core/db/open.js';
import { computeFlags } from '../../main/core/flags/index.js';
import { syncPaths } from '../../main/core/import/sync.js';
import { SqliteStore } from '../../main/core/store/sqlite-store.js';
import type { Store } from '../../main/core/store/store.js';

/** The SQLite store, with better-sqlite3's own statements for a test's direct reads and writes. */
export type TestDb = SqliteStore & Pick<Database, 'prepare' | 'pragma' | 'transaction'>;

export function testStore(raw: Database, location = ':memory:'): TestDb {
  return Object.assign(new SqliteStore(raw, location), {
    prepare: raw.prepare.bind(raw) as Database['prepare'],
    pragma: raw.pragma.bind(raw) as Database['pragma'],
    transaction: raw.transaction.bind(raw) as Database['transaction'],
  });
}

export function memoryDb(): TestDb {
  return testStore(openDb(':memory:'));
}

/** A database file in a fresh temp folder, opened as a test store. */
export function fileDb(file = path.join(tempDir(), 'paydesk.db')): TestDb {
  return testStore(openDb(file), file);
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'paydesk-test-'));
}

/** Writes `content` (a string, or bytes) to `name` in a fresh temp folder, gzipped when the name ends in .gz. */
export function writeExport(name: string, content: string | Buffer, dir = tempDir()): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  fs.writeFileSync(file, name.endsWith('.gz') ? zlib.gzipSync(bytes) : bytes);
  return file;
}

export async function importText(db: Store, name: string, content: string | Buffer): Promise<ImportFileReport> {
  const [report] = await syncPaths(db, [writeExport(name, content)]);
  return report;
}

export function flags(db: Store, asOf?: string, settings: Partial<FlagSettings> = {}) {
  return computeFlags(db, { settings: { ...DEFAULT_FLAG_SETTINGS, ...settings }, asOf });
}

export const PAYMENTS_HEADER = 'payment_id,account_id,amount,currency,status,created_at,updated_at,invoice_id,email,description';
export const LEDGER_HEADER = 'entry_id,account_id,type,amount,currency,created_at,payment_id';

export const csv = (header: string, ...rows: string[]) => [header, ...rows].join('\n') + '\n';
