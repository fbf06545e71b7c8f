// Settings → Team database → Test connection: connect, read what is there, and say in one line whether paydesk
// can use it. Nothing is created or migrated here; "Use" does that.
import type { TeamTestResult } from '../../../shared/api.js';
import { POSTGRES_MIGRATIONS, postgresSchemaVersion } from '../store/postgres-migrate.js';
import { PostgresStore } from '../store/postgres-store.js';

/** `target` may carry the password; `shown` is the same URL without it, the only form any message uses. */
export async function probeTeamDatabase(target: string, shown: string): Promise<TeamTestResult> {
  const store = PostgresStore.connect(target, { max: 1 });
  try {
    return await store.withClient(async (client) => {
      const who = await client.query<{ db: string; usr: string; version: string }>(
        `SELECT current_database() AS db, current_user AS usr, current_setting('server_version') AS version`,
      );
      const { db, usr, version } = who.rows[0];
      const where = `Connected to ${db} on ${hostOf(shown)} as ${usr} (PostgreSQL ${version.split(' ')[0]})`;
      const found = await postgresSchemaVersion(client);
      const known = POSTGRES_MIGRATIONS.at(-1)?.version ?? 0;
      if (found > known) {
        return { ok: true, readOnly: true, message: `${where}: read-only here, as its paydesk schema is version ${found}, newer than this paydesk knows (${known}); update paydesk to make decisions and syncs` };
      }
      if (found === 0) {
        const mayCreate = await client.query<{ ok: boolean }>(`SELECT coalesce(has_schema_privilege(current_schema(), 'CREATE'), false) AS ok`);
        return mayCreate.rows[0].ok
          ? { ok: true, message: `${where}: an empty database, which paydesk sets up when you use it` }
          : { ok: false, readOnly: true, message: `${where}: an empty database this user may not create tables in; have a user who may set it up first` };
      }
      const writable = await store.canWrite();
      const upgrade = found < known ? `; paydesk brings its schema from version ${found} to ${known} when you use it` : '';
      return writable
        ? { ok: true, message: `${where}: a paydesk database${upgrade}` }
        : { ok: true, readOnly: true, message: `${where}: read-only, so decisions and syncs need a user with write access${upgrade}` };
    });
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  } finally {
    await store.close();
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host || 'the local socket';
  } catch {
    return 'the server';
  }
}
