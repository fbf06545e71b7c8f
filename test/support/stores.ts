// The store kinds a parameterised suite runs against, and a store of each kind holding the same data. Until
// imports run on PostgreSQL, a team database gets its data the way a team moves over: imported into a local
// database, then `paydesk copy`-ed.
import path from 'node:path';
import { copyDatabase } from '../../main/core/store/copy-database.js';
import { PostgresStore } from '../../main/core/store/postgres-store.js';
import type { Store } from '../../main/core/store/store.js';
import { fileDb, tempDir, type TestDb } from './db.js';
import { freshPgDatabase } from './postgres.js';

export const STORE_KINDS = ['sqlite', 'postgres'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export interface StorePair {
  sqlite: TestDb;
  postgres: PostgresStore;
  close(): Promise<void>;
}

/** A SQLite database filled by `fill`, and a PostgreSQL database holding a copy of it. */
export async function storePair(fill: (sqlite: TestDb) => Promise<void>): Promise<StorePair> {
  const file = path.join(tempDir(), 'paydesk.db');
  const sqlite = fileDb(file);
  await fill(sqlite);
  const team = await freshPgDatabase();
  await copyDatabase(file, team.url);
  const postgres = PostgresStore.connect(team.url);
  return {
    sqlite,
    postgres,
    async close() {
      await postgres.close();
      await team.drop();
      await sqlite.close();
    },
  };
}

export const storesOf = (pair: StorePair): [StoreKind, Store][] => [
  ['sqlite', pair.sqlite],
  ['postgres', pair.postgres],
];
