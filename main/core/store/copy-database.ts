// `paydesk copy`: moves a local SQLite database into an empty team database, every table streamed through COPY in
// one PostgreSQL transaction (all or nothing). The source is only read, from one snapshot.
import { createHash, type Hash } from 'node:crypto';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DatabaseFromFutureError } from '../db/migrate.js';
import { KEY_COLUMN, KEY_INDEXES } from '../db/key-indexes.js';
import { MIGRATIONS } from '../db/migrations/index.js';
import { migratePostgres } from './postgres-migrate.js';
import { SCHEMA_TABLES, type SchemaTable } from './postgres-schema.js';
import { COMMIT_DURABLY, vacuumAndAnalyze, WRITE_LOCK } from './postgres-store.js';
import { isPostgresUrl, redactUrl } from './postgres-url.js';

export interface CopyOptions {
  log?(line: string): void;
  now?: () => number;
}

export interface CopyReport {
  /** 'already-copied': the target is a copy of this same source, unchanged since; nothing was written. */
  outcome: 'copied' | 'already-copied';
  /** The target URL without its password. */
  target: string;
  sourceId: string;
  /** When the target's copy was made (this run's, or the earlier one). */
  copiedAt: number;
  /** Rows written per table by this run (all 0 when already copied). */
  tables: Record<SchemaTable, number>;
}

/** A copy refused before anything was written; the message says why and what to do instead. */
export class CopyRefusedError extends Error {}

/** Rows are sent to COPY in chunks of about this many characters: memory stays flat whatever the table's size. */
const CHUNK_CHARS = 256 * 1024;

export async function copyDatabase(fromFile: string, toUrl: string, options: CopyOptions = {}): Promise<CopyReport> {
  const log = options.log ?? (() => {});
  if (!isPostgresUrl(toUrl) || !parsesAsUrl(toUrl)) throw new CopyRefusedError('the target must be a postgres:// or postgresql:// URL');
  const target = redactUrl(toUrl);
  try {
    const source = openSource(fromFile);
    try {
      // One snapshot of the source for the identity, the digest and every table, even while the app writes to it.
      source.exec('BEGIN');
      const client = new pg.Client({ connectionString: toUrl, connectionTimeoutMillis: 10_000 });
      client.on('error', () => {});
      try {
        await client.connect().catch((error: unknown) => {
          throw new Error(`cannot reach the team database at ${target}: ${error instanceof Error ? error.message : String(error)}`);
        });
        await migratePostgres(client);
        return await copyInto(source, fromFile, client, target, log, options.now ?? Date.now);
      } finally {
        await client.end().catch(() => {});
      }
    } finally {
      if (source.inTransaction) source.exec('ROLLBACK');
      source.close();
    }
  } catch (error) {
    throw withoutPassword(error, toUrl);
  }
}

async function copyInto(source: Database, fromFile: string, client: pg.Client, target: string, log: (line: string) => void, now: () => number): Promise<CopyReport> {
  const file = path.basename(fromFile);
  await client.query('BEGIN');
  try {
    // The store's write lock for the whole copy: no paydesk connected to the target writes while it fills, and two
    // copies into one database run one after the other.
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [WRITE_LOCK.classId, WRITE_LOCK.objectId]);
    const sourceId = sourceIdOf(source);
    const copies = (await client.query<CopiedFromRow>('SELECT source_id, copied_at, source_file, content_digest FROM copied_from ORDER BY copied_at')).rows;
    const earlier = copies.find((copy) => copy.source_id === sourceId);
    if (earlier) {
      await client.query('ROLLBACK');
      return alreadyCopied(source, fromFile, earlier, target, log);
    }
    if (copies.length > 0) {
      throw new CopyRefusedError(
        `${target} is a copy of another database (${copies[0].source_file}, copied ${isoDate(copies[0].copied_at)}), not of ${file}: nothing was copied. ` +
          'Copy into an empty team database.',
      );
    }
    const occupied = await firstTableWithRows(client);
    if (occupied) {
      throw new CopyRefusedError(`${target} is not empty (${occupied} has rows) and is not a copy of ${file}: nothing was copied. Copy into an empty team database.`);
    }

    const digest = createHash('sha256');
    const tables = emptyCounts();
    for (const table of SCHEMA_TABLES) {
      const columns = await copiedColumns(client, source, table);
      log(`copying ${table}…`);
      const copy = client.query(copyFrom(`COPY ${ident(table)} (${columns.map(ident).join(', ')}) FROM STDIN WITH (FORMAT csv)`));
      const counter = { rows: 0 };
      await pipeline(Readable.from(tableCsv(source, table, columns, digest, counter)), copy);
      tables[table] = counter.rows;
      log(`${table}: ${counter.rows} rows`);
    }
    await moveIdentitiesPastCopiedIds(client);
    const copiedAt = now();
    const rows = Object.values(tables).reduce((sum, n) => sum + n, 0);
    await client.query('INSERT INTO copied_from (source_id, copied_at, source_file, content_digest, rows) VALUES ($1, $2, $3, $4, $5)', [
      sourceId, copiedAt, file, digest.digest('hex'), rows,
    ]);
    await client.query(COMMIT_DURABLY);
    await client.query('COMMIT');
    // The planner's statistics for the tables just filled (without them it scans where an index answers at once),
    // and their pages marked all-visible (a deep page of a flag list is read from its index alone), now rather than
    // when autovacuum comes round to them.
    await vacuumAndAnalyze(client);
    log(`copied ${rows} rows from ${file} to ${target}`);
    return { outcome: 'copied', target, sourceId, copiedAt, tables };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

interface CopiedFromRow {
  source_id: string;
  copied_at: string;
  source_file: string;
  content_digest: string;
}

/**
 * A second run: nothing to do when the source is as it was copied. When it changed since, it is refused rather than
 * topped up: the team may have worked in the copy since (decisions, syncs), so neither a second copy nor a merge of
 * two diverged databases would be honest. New exports are synced into the team database; decisions are moved with
 * `paydesk export reviews` and an import of that file.
 */
function alreadyCopied(source: Database, fromFile: string, earlier: CopiedFromRow, target: string, log: (line: string) => void): CopyReport {
  const file = path.basename(fromFile);
  const copiedAt = Number(earlier.copied_at);
  if (contentDigest(source) !== earlier.content_digest) {
    throw new CopyRefusedError(
      `${target} already holds a copy of ${file} made ${isoDate(copiedAt)}, and ${file} has changed since: nothing was copied. ` +
        'Sync new export files into the team database (paydesk import --db <team URL> <files>); move decisions made since with ' +
        `\`paydesk export reviews --db ${fromFile} --out reviews.csv\` and \`paydesk import --db <team URL> reviews.csv\`.`,
    );
  }
  log(`${target} is already a copy of ${file} (made ${isoDate(copiedAt)}): nothing to do`);
  return { outcome: 'already-copied', target, sourceId: earlier.source_id, copiedAt, tables: emptyCounts() };
}

/**
 * Which database the source is, without writing to it (a random id kept in it would be a write, and a file copied
 * before it was stored would share it): the first file it ever imported, by path, content hash and start time in
 * ms. That row never changes or goes away as the database grows, so a grown source is still "the same database",
 * and two databases started on their own do not share it. A database that never imported anything has only its
 * content to be known by.
 */
function sourceIdOf(source: Database): string {
  const first = source.prepare('SELECT path, content_hash, started_at FROM imports ORDER BY id LIMIT 1').raw(true).get();
  if (first) return `first-import:${createHash('sha256').update(JSON.stringify(first)).digest('hex')}`;
  return `content:${contentDigest(source)}`;
}

/** The digest a copy records: of the same CSV it sends, so an unchanged source gives the same one. */
function contentDigest(source: Database): string {
  const digest = createHash('sha256');
  for (const table of SCHEMA_TABLES) {
    for (const chunk of tableCsv(source, table, sourceColumns(source, table), digest, { rows: 0 })) void chunk;
  }
  return digest.digest('hex');
}

function openSource(fromFile: string): Database {
  let source: Database;
  try {
    source = new BetterSqlite3(fromFile, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new CopyRefusedError(`cannot open ${fromFile}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    const version = source.pragma('user_version', { simple: true }) as number;
    const known = MIGRATIONS.length;
    if (version > known) throw new DatabaseFromFutureError(version, known);
    const tables = new Set(source.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all() as string[]);
    if (version === 0 || !tables.has('payments')) throw new CopyRefusedError(`${fromFile} is not a paydesk database`);
    if (version < known) {
      throw new CopyRefusedError(`${fromFile} is at schema version ${version}, older than this paydesk's (${known}): open it once with this paydesk to upgrade it, then copy`);
    }
    const missing = SCHEMA_TABLES.filter((table) => !tables.has(table));
    if (missing.length) throw new CopyRefusedError(`${fromFile} is not a paydesk database (no ${missing.join(', ')})`);
    return source;
  } catch (error) {
    source.close();
    if (error instanceof CopyRefusedError || error instanceof DatabaseFromFutureError) throw error;
    throw new CopyRefusedError(`${fromFile} is not a paydesk database (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** The source's columns that hold data of their own, in table order: generated ones (returned_cents) are computed. */
function sourceColumns(source: Database, table: SchemaTable): string[] {
  const columns = source.prepare(`SELECT name, hidden FROM pragma_table_xinfo(?)`).all(table) as { name: string; hidden: number }[];
  // hidden: 0 a column, 1 a virtual table's hidden column, 2 and 3 generated (virtual, stored).
  return columns.filter((column) => column.hidden === 0).map((column) => column.name);
}

/** The source's columns, checked against the target's: the same names, generated ones left out on both. */
async function copiedColumns(client: pg.Client, source: Database, table: SchemaTable): Promise<string[]> {
  const result = await client.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position`,
    [table],
  );
  const columns = sourceColumns(source, table);
  const targetColumns = result.rows.map((row) => row.column_name);
  if ([...columns].sort().join() !== [...targetColumns].sort().join()) {
    throw new Error(`${table} has columns ${columns.join(', ')} in the source and ${targetColumns.join(', ')} in the team database: the schemas differ`);
  }
  return columns;
}

/**
 * One table as CSV for COPY, in chunks, read row by row from the source (so memory stays flat), in primary key
 * order so that the digest of the same content is the same. Every chunk also goes into `digest`.
 */
function* tableCsv(source: Database, table: SchemaTable, columns: readonly string[], digest: Hash, counter: { rows: number }): Generator<Buffer> {
  digest.update(`${table}(${columns.join(',')})\n`);
  const statement = source.prepare(`SELECT ${columns.map(ident).join(', ')} FROM ${ident(table)} ORDER BY ${orderOf(source, table)}`);
  let chunk = '';
  for (const row of statement.raw(true).safeIntegers(true).iterate() as IterableIterator<unknown[]>) {
    chunk += csvLine(row, table, columns, counter.rows + 1);
    counter.rows += 1;
    if (chunk.length >= CHUNK_CHARS) {
      yield flush(chunk, digest);
      chunk = '';
    }
  }
  if (chunk) yield flush(chunk, digest);
}

function flush(chunk: string, digest: Hash): Buffer {
  const bytes = Buffer.from(chunk, 'utf8');
  digest.update(bytes);
  return bytes;
}

/** The key's columns (the primary key, or the key index of payments and ledger entries), else (rejected_rows has none) every column. */
function orderOf(source: Database, table: SchemaTable): string {
  if (table in KEY_INDEXES) return ident(KEY_COLUMN);
  const columns = source.prepare('SELECT name, pk FROM pragma_table_info(?)').all(table) as { name: string; pk: number }[];
  const key = columns.filter((column) => column.pk > 0).sort((a, b) => a.pk - b.pk);
  return (key.length ? key : columns).map((column) => ident(column.name)).join(', ');
}

/**
 * One row in COPY's CSV format: NULL is an empty unquoted field, and every string is quoted, so that an empty
 * string stays an empty string; quotes are doubled, and commas and line breaks inside quotes are data.
 */
function csvLine(row: readonly unknown[], table: SchemaTable, columns: readonly string[], line: number): string {
  return (
    row
      .map((value, index) => {
        if (value === null) return '';
        if (typeof value === 'bigint' || typeof value === 'number') return String(value);
        if (typeof value === 'string') {
          // PostgreSQL text cannot hold U+0000; the import refuses such files, so this is a damaged database.
          if (value.includes('\0')) throw new CopyRefusedError(`${table} row ${line} holds a NUL character in ${columns[index]}, which PostgreSQL cannot store: nothing was copied`);
          return `"${value.replaceAll('"', '""')}"`;
        }
        throw new CopyRefusedError(`${table} row ${line} holds binary data in ${columns[index]}, where paydesk stores text or integers: nothing was copied`);
      })
      .join(',') + '\n'
  );
}

/** Identity columns were given the copied ids: their sequences start after the highest, as SQLite's rowid would. */
async function moveIdentitiesPastCopiedIds(client: pg.Client): Promise<void> {
  const identities = await client.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'`,
  );
  for (const { table_name: table, column_name: column } of identities.rows) {
    await client.query(`SELECT setval(pg_get_serial_sequence($1, $2), coalesce(max(${ident(column)}), 0) + 1, false) FROM ${ident(table)}`, [ident(table), column]);
  }
}

async function firstTableWithRows(client: pg.Client): Promise<SchemaTable | undefined> {
  for (const table of SCHEMA_TABLES) {
    const result = await client.query<{ found: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${ident(table)}) AS found`);
    if (result.rows[0].found) return table;
  }
  return undefined;
}

/** A name from our own schema lists or catalog, quoted for SQL (SQLite and PostgreSQL quote alike). */
const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

const emptyCounts = () => Object.fromEntries(SCHEMA_TABLES.map((table) => [table, 0])) as Record<SchemaTable, number>;

const isoDate = (ms: number | string) => new Date(Number(ms)).toISOString();

function parsesAsUrl(url: string): boolean {
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}

/**
 * The error with the URL's password taken out of its message and stack, in case a driver or server message ever
 * quotes the URL or the password: messages name the target by its redacted URL only.
 */
export function withoutPassword(error: unknown, url: string): Error {
  const failure = error instanceof Error ? error : new Error(String(error));
  const secrets = passwordsOf(url);
  if (!secrets.length) return failure;
  const scrub = (text: string) => secrets.reduce((out, secret) => out.replaceAll(secret, '***'), text);
  failure.message = scrub(failure.message);
  if (failure.stack) failure.stack = scrub(failure.stack);
  return failure;
}

function passwordsOf(url: string): string[] {
  try {
    const raw = new URL(url).password;
    if (!raw) return [];
    const decoded = decodeURIComponent(raw);
    return [...new Set([url, raw, decoded])].sort((a, b) => b.length - a.length);
  } catch {
    return [url];
  }
}
