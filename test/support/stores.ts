// The store kinds a parameterised suite runs against, and a store of each kind holding the same data. Until
// imports run on PostgreSQL, a team database gets its data the way a team moves over: imported into a local
// database, then `paydesk copy`-ed.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe } from 'vitest';
import { copyDatabase } from '../../main/core/store/copy-database.js';
import { openStore } from '../../main/core/store/open-store.js';
import { PostgresStore } from '../../main/core/store/postgres-store.js';
import type { Store } from '../../main/core/store/store.js';
import { fileDb, memoryDb, tempDir, type TestDb } from './db.js';
import { freshPgDatabase, pgUrl } from './postgres.js';

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

export interface FreshStore {
  store: Store;
  /** The URL or file another process (the CLI, a second paydesk) opens it by. */
  target: string;
  close(): Promise<void>;
}

// Each test worker migrates one template database once; a fresh team database is then a copy of it, which
// takes milliseconds instead of running the schema again.
let template: Promise<string> | undefined;

async function onCluster<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: pgUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function migratedTemplate(): Promise<string> {
  template ??= (async () => {
    const team = await freshPgDatabase();
    const store = await openStore(team.url);
    await store.close();
    return new URL(team.url).pathname.slice(1);
  })();
  return template;
}

/** An empty, migrated store of the kind: SQLite in memory, or a database of its own on the test cluster. */
export async function freshStore(kind: StoreKind): Promise<FreshStore> {
  if (kind === 'sqlite') {
    const store = memoryDb();
    return { store, target: ':memory:', close: () => store.close() };
  }
  const from = await migratedTemplate();
  // Our own random hex and the template's generated name: CREATE DATABASE takes no parameters.
  const name = `paydesk_test_${randomBytes(8).toString('hex')}`;
  await onCluster((client) => client.query(`CREATE DATABASE "${name}" TEMPLATE "${from}"`));
  const url = new URL(pgUrl());
  url.pathname = `/${name}`;
  const store = await openStore(url.toString());
  return {
    store,
    target: url.toString(),
    async close() {
      await store.close();
      await onCluster((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/** One suite, run against each store kind: `suite(kind)` declares its tests. */
export function describeStores(name: string, suite: (kind: StoreKind) => void): void {
  describe.each(STORE_KINDS)(`%s: ${name}`, (kind) => suite(kind));
}

/**
 * Empty stores for a file's tests, each closed (and on PostgreSQL dropped) after the test that opened it. Call
 * at the top of the file or of a suite: it registers that afterEach.
 */
export function emptyStores(): (kind: StoreKind) => Promise<Store> {
  const opened: FreshStore[] = [];
  afterEach(async () => {
    while (opened.length) await opened.pop()!.close();
  });
  return async (kind) => {
    const fresh = await freshStore(kind);
    opened.push(fresh);
    return fresh.store;
  };
}

/** emptyStores() for one kind: inside a describeStores suite. */
export function storesPerTest(kind: StoreKind): () => Promise<Store> {
  const empty = emptyStores();
  return () => empty(kind);
}
