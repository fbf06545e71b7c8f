// Which store a target names: a postgres:// URL is a team database, anything else a SQLite file.
import { PostgresStore } from './postgres-store.js';
import { isPostgresUrl } from './postgres-url.js';
import { SqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

export async function openStore(target: string): Promise<Store> {
  if (!isPostgresUrl(target)) return SqliteStore.open(target);
  const store = PostgresStore.connect(target);
  try {
    const { migratePostgres, TeamDatabaseFromFutureError } = await import('./postgres-migrate.js');
    await store.withClient((client) => migratePostgres(client)).catch((error: unknown) => {
      // A newer paydesk migrated it: read what is there, write nothing (team.md), and say which version it needs.
      if (!(error instanceof TeamDatabaseFromFutureError)) throw error;
      store.writeRefusal = `read-only: ${error.message} to make decisions and syncs`;
    });
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
