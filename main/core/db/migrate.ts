import type { Database } from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations/index.js';

export class DatabaseFromFutureError extends Error {
  constructor(found: number, known: number) {
    super(`this database is at schema version ${found}, newer than this paydesk knows (${known}); update paydesk`);
  }
}

/** Applies every pending migration in one transaction and records the version in PRAGMA user_version. */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS, target = migrations.length): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) throw new Error(`migrations are not contiguous at ${migration.name}`);
  });
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) throw new DatabaseFromFutureError(current, migrations.length);
  if (current >= target) return;
  db.transaction(() => {
    for (const migration of migrations.slice(current, target)) db.exec(migration.sql);
    db.pragma(`user_version = ${target}`);
  })();
}
