// The PostgreSQL adapter of the store port (team mode): a pool of connections to one shared server. A read or
// write transaction checks out one connection; calls made inside it (found through AsyncLocalStorage) use it.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { ImportFileReport } from '../../../shared/domain.js';
import type { ImportFileOptions } from '../import/import-file.js';
import { importFilePostgres } from './postgres-import.js';
import { numberPlaceholders } from './postgres-placeholders.js';
import { redactUrl } from './postgres-url.js';
import { ReadOnlyError, StoreUnavailableError, type Dialect, type RunResult, type SqlParams, type SqlValue, type Store, type StoreChange } from './store.js';

export const postgresDialect: Dialect = {
  name: 'postgres',
  caseless: (expression) => `lower(${expression})`,
  // The planner keeps statistics of its own (ANALYZE), so it needs no hints.
  indexedBy: () => '',
  least: (a, b) => `least(${a}, ${b})`,
  jsonArray: (expression, orderBy) => `coalesce(json_agg(${expression} ORDER BY ${orderBy})::text, '[]')`,
  contains: (haystack, needle) => `strpos(${haystack}, ${needle}) > 0`,
  pageRows: (key) => ({
    select: key.map((column, i) => `f.${column} AS page_k${i}`).join(', '),
    matches: key.map((column, i) => `f.${column} = page.page_k${i}`).join(' AND '),
  }),
  orderedJoin: 'JOIN',
  noLimit: null,
};

/** Writers take this advisory lock first, as SQLite's BEGIN IMMEDIATE takes its write lock (pg_advisory_xact_lock's two keys). */
export const WRITE_LOCK = { classId: 7501, objectId: 1 };
const TAKE_WRITE_LOCK = `SELECT pg_advisory_xact_lock(${WRITE_LOCK.classId}, ${WRITE_LOCK.objectId})`;

/**
 * Inside a transaction: its commit waits until it is flushed to the WAL, even on a server that commits
 * asynchronously. VACUUM marks a page all-visible (what lets a deep page be read from an index alone) only once
 * the commit of its rows is flushed, which an asynchronous commit leaves to the WAL writer, up to a second later.
 */
export const COMMIT_DURABLY = 'SET LOCAL synchronous_commit = on';

/**
 * VACUUM leaves a page not all-visible while any snapshot in the database is older than its rows: another
 * paydesk's read, or autovacuum analysing the tables an import just filled. So the tables it left behind are
 * vacuumed again once such snapshots have had time to end, after each of these pauses; after the last, autovacuum
 * is left to finish the work.
 */
const ALL_VISIBLE_RETRY_MS = [100, 300, 1000];

/**
 * After a bulk write, outside any transaction: the pages marked all-visible and the planner's statistics
 * refreshed, for `tables` (our own names, never input) or the whole database. Two commands: VACUUM (ANALYZE) of
 * several tables left most pages of the later ones not all-visible (15.x).
 */
export async function vacuumAndAnalyze(db: pg.Pool | pg.ClientBase, tables: readonly string[] = []): Promise<void> {
  await db.query(`VACUUM ${tables.join(', ')}`);
  for (const pause of ALL_VISIBLE_RETRY_MS) {
    const behind = await tablesNotAllVisible(db, tables);
    if (behind.length === 0) break;
    await sleep(pause);
    await db.query(`VACUUM ${behind.map((table) => pg.escapeIdentifier(table)).join(', ')}`);
  }
  await db.query(`ANALYZE ${tables.join(', ')}`);
}

/** Of `tables` (or every table of the schema), those with pages the last VACUUM could not mark all-visible. */
async function tablesNotAllVisible(db: pg.Pool | pg.ClientBase, tables: readonly string[]): Promise<string[]> {
  const { rows } = await db.query<{ table: string }>(
    `SELECT c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname = current_schema() AND c.relallvisible < c.relpages
        AND (cardinality($1::text[]) = 0 OR c.relname = ANY($1::text[]))`,
    [tables],
  );
  return rows.map((row) => row.table);
}

/**
 * Set on each session as it starts (a URL's own `options` parameter replaces them). No JIT: the server compiles a
 * query once its estimated cost passes jit_above_cost, and the estimates of paydesk's interactive queries are far
 * off. The mismatches query, estimated at 891,531 rows (the partial index's OR of column comparisons) where it reads
 * 10,210, spent 266 ms compiling and 170 ms running; the whole `flags` computation took 831 ms warm with JIT and
 * 308 ms without (1,000,000 payments).
 */
const SESSION_OPTIONS = '-c jit=off';

/** The channel of LISTEN/NOTIFY on which paydesks tell each other what changed. */
const CHANGES_CHANNEL = 'paydesk_changes';
const RELISTEN_MS = [500, 1000, 2000, 5000];

// Counts and sums come back as int8/numeric; money in minor units and epoch ms fit a double exactly.
const NUMERIC_TYPES = new Set([pg.types.builtins.INT8, pg.types.builtins.NUMERIC]);
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    NUMERIC_TYPES.has(oid) ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export class PostgresStore implements Store {
  readonly dialect = postgresDialect;
  readonly kind = 'team';
  /** This store's own announcements are not news to it. */
  private readonly origin = randomUUID();
  readonly location: string;
  private readonly client = new AsyncLocalStorage<pg.PoolClient>();

  constructor(
    readonly pool: pg.Pool,
    private readonly url: string,
  ) {
    this.location = redactUrl(url);
  }

  static connect(url: string, options: { max?: number } = {}): PostgresStore {
    const pool = new pg.Pool({ connectionString: url, types, options: SESSION_OPTIONS, max: options.max ?? 4, connectionTimeoutMillis: 10_000 });
    // An idle connection the server dropped must not take the process down; the next query reports it.
    pool.on('error', () => {});
    return new PostgresStore(pool, url);
  }

  async all<T>(sql: string, params?: SqlParams): Promise<T[]> {
    return (await this.query(sql, params)).rows as T[];
  }

  async get<T>(sql: string, params?: SqlParams): Promise<T | undefined> {
    return (await this.query(sql, params)).rows[0] as T | undefined;
  }

  async value<T>(sql: string, params?: SqlParams): Promise<T | undefined> {
    const result = await this.query(sql, params, true);
    return (result.rows[0] as unknown[] | undefined)?.[0] as T | undefined;
  }

  async column<T>(sql: string, params?: SqlParams): Promise<T[]> {
    return (await this.query(sql, params, true)).rows.map((row) => (row as unknown[])[0] as T);
  }

  /** Streams the rows through COPY … FROM STDIN in CSV, where an unquoted empty field is NULL. */
  insertRows(table: string, columns: readonly string[], rows: Iterable<readonly SqlValue[]>): Promise<number> {
    return this.withClient(async (client) => {
      const copy = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`));
      let count = 0;
      let chunk = '';
      const flush = async () => {
        if (!copy.write(chunk)) await once(copy, 'drain');
        chunk = '';
      };
      try {
        for (const row of rows) {
          chunk += row.map(csvField).join(',') + '\n';
          count++;
          if (chunk.length >= 1 << 16) await flush();
        }
        if (chunk) await flush();
        copy.end();
        await finished(copy);
      } catch (error) {
        copy.destroy();
        throw this.failure(error);
      }
      return count;
    });
  }

  async run(sql: string, params?: SqlParams): Promise<RunResult> {
    return { changes: (await this.query(sql, params)).rowCount ?? 0 };
  }

  importFile(file: string, options: ImportFileOptions): Promise<ImportFileReport> {
    return importFilePostgres(this, file, options);
  }

  async commitDurably(): Promise<void> {
    await this.run(COMMIT_DURABLY);
  }

  async afterBulkWrite(tables: readonly string[]): Promise<void> {
    // VACUUM cannot run inside a transaction: on the pool, not a joined client.
    if (tables.length > 0) await vacuumAndAnalyze(this.pool, tables).catch((error: unknown) => {
      throw this.failure(error);
    });
  }

  async exec(sql: string): Promise<void> {
    await this.on((client) => client.query(sql));
  }

  read<T>(work: () => Promise<T>): Promise<T> {
    return this.transaction('BEGIN ISOLATION LEVEL REPEATABLE READ', null, work);
  }

  write<T>(work: () => Promise<T>): Promise<T> {
    if (this.writeRefusal !== undefined) return Promise.reject(new ReadOnlyError(this.writeRefusal));
    return this.transaction('BEGIN', TAKE_WRITE_LOCK, work);
  }

  /** One connection for `work` (COPY, LISTEN, session settings), joined by the store's calls inside it. */
  async withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const joined = this.client.getStore();
    if (joined) return work(joined);
    const client = await this.pool.connect().catch((error: unknown) => {
      throw this.failure(error);
    });
    // The pool watches only its idle connections: a checked-out one lost between two queries emits 'error', which
    // with no listener ends the process. The work's next query fails instead, and the connection is discarded.
    const held = client as PoolClientWithState;
    const onLost = (error: Error) => (held.lost ??= error);
    client.on('error', onLost);
    try {
      return await this.client.run(client, () => work(client));
    } finally {
      client.off('error', onLost);
      client.release(held.lost);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** The error to report: described, and never carrying the password, whatever the driver put in it. */
  private failure(error: unknown): Error {
    const described = describe(error, this.location);
    const password = passwordOf(this.url);
    if (password && described.message.includes(password)) described.message = described.message.split(password).join('***');
    if (password && described.stack?.includes(password)) described.stack = described.stack.split(password).join('***');
    return described;
  }

  private writable: Promise<boolean> | undefined;

  /** See Store.writeRefusal; set by openStore, before the store is used. */
  writeRefusal: string | undefined;

  canWrite(): Promise<boolean> {
    if (this.writeRefusal !== undefined) return Promise.resolve(false);
    // The decisions table stands for the rest: a viewer's role has SELECT on everything and nothing more.
    this.writable ??= this.value<boolean>(`SELECT has_table_privilege('reviews', 'INSERT') AND NOT pg_is_in_recovery()`).then(
      (writable) => writable === true,
      (error: unknown) => {
        this.writable = undefined;
        throw error;
      },
    );
    return this.writable;
  }

  async announce(change: StoreChange): Promise<void> {
    // NOTIFY inside a transaction is delivered when it commits, and not at all when it rolls back.
    await this.query('SELECT pg_notify(?, ?)', [CHANGES_CHANNEL, JSON.stringify({ ...change, origin: this.origin })]);
  }

  /** One connection of its own that LISTENs, and listens again after the server or the network dropped it. */
  async onChange(listener: (change: StoreChange) => void, onError?: (error: Error) => void): Promise<() => Promise<void>> {
    let client: pg.Client | null = null;
    let stopped = false;
    let failures = 0;
    let retry: NodeJS.Timeout | undefined;
    const listen = async (): Promise<void> => {
      const next = new pg.Client({ connectionString: this.url, types, connectionTimeoutMillis: 10_000 });
      next.on('notification', (message) => {
        if (message.channel !== CHANGES_CHANNEL || !message.payload) return;
        const change = parseChange(message.payload, this.origin);
        if (change) listener(change);
      });
      next.on('error', (error) => dropped(error));
      next.on('end', () => dropped(new StoreUnavailableError(`lost the connection to the team database at ${this.location}`)));
      client = next;
      await next.connect();
      await next.query(`LISTEN ${CHANGES_CHANNEL}`);
      failures = 0;
    };
    const dropped = (error: Error) => {
      if (stopped || client === null) return;
      const lost = client;
      client = null;
      void lost.end().catch(() => {});
      onError?.(this.failure(error));
      retry = setTimeout(() => void again(), RELISTEN_MS[Math.min(failures++, RELISTEN_MS.length - 1)]);
      retry.unref?.();
    };
    const again = async () => {
      if (stopped) return;
      await listen().catch((error: unknown) => dropped(error as Error));
    };
    await listen().catch((error: unknown) => {
      client = null;
      throw this.failure(error);
    });
    return async () => {
      stopped = true;
      clearTimeout(retry);
      const last = client;
      client = null;
      await last?.end().catch(() => {});
    };
  }

  private transaction<T>(begin: string, lock: string | null, work: () => Promise<T>): Promise<T> {
    if ((this.client.getStore() as PoolClientWithState | undefined)?.inTransaction) return work();
    return this.withClient(async (client) => {
      await client.query(begin);
      (client as PoolClientWithState).inTransaction = true;
      try {
        if (lock) await client.query(lock);
        const result = await work();
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw this.failure(error);
      } finally {
        (client as PoolClientWithState).inTransaction = false;
      }
    });
  }

  private query(sql: string, params: SqlParams | undefined, rowsAsArrays = false): Promise<pg.QueryResult> {
    const { names } = numberPlaceholders(sql);
    const values: SqlValue[] = params === undefined ? [] : names ? names.map((name) => named(params, name)) : Array.isArray(params) ? [...(params as SqlValue[])] : [];
    const text = typedPlaceholders(sql, values);
    return this.on((client) =>
      rowsAsArrays ? client.query({ text, values, rowMode: 'array' }) : client.query({ text, values }),
    ) as Promise<pg.QueryResult>;
  }

  private async on<T>(work: (client: pg.Pool | pg.PoolClient) => Promise<T>): Promise<T> {
    try {
      return await work(this.client.getStore() ?? this.pool);
    } catch (error) {
      // A query on a lost connection says only that it is "not queryable"; the loss itself says what happened.
      throw this.failure((this.client.getStore() as PoolClientWithState | undefined)?.lost ?? error);
    }
  }
}

function parseChange(payload: string, ownOrigin: string): StoreChange | null {
  try {
    const { origin, tables, reviewer, decisions } = JSON.parse(payload) as StoreChange & { origin?: string };
    if (origin === ownOrigin || !Array.isArray(tables)) return null;
    return { tables: tables.filter((t): t is string => typeof t === 'string'), reviewer: typeof reviewer === 'string' ? reviewer : undefined, decisions: typeof decisions === 'number' ? decisions : undefined };
  } catch {
    return null;
  }
}

function csvField(value: SqlValue): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  return `"${value.replace(/"/g, '""')}"`;
}

interface PoolClientWithState extends pg.PoolClient {
  inTransaction?: boolean;
  /** Why the connection was lost while checked out (withClient). */
  lost?: Error;
}

// PostgreSQL infers a parameter's type from where it stands, and cannot in `$1 - $2` or `$1 IS NULL`: numbers are
// bound as bigint (or double precision), as SQLite reads them. Text is left to inference, so that it takes the
// collation of the column it meets.
const typedCache = new Map<string, string>();

function typedPlaceholders(sql: string, values: readonly SqlValue[]): string {
  const signature = values.map((v) => (typeof v === 'number' ? (Number.isInteger(v) ? 'i' : 'f') : '-')).join('');
  const key = `${signature}\u0000${sql}`;
  let text = typedCache.get(key);
  if (text === undefined) {
    text = numberPlaceholders(sql).text.replace(/\$(\d+)/g, (placeholder, n: string) => {
      const type = signature[Number(n) - 1];
      return type === 'i' ? `${placeholder}::bigint` : type === 'f' ? `${placeholder}::float8` : placeholder;
    });
    typedCache.set(key, text);
  }
  return text;
}

function named(params: SqlParams, name: string): SqlValue {
  const value = (params as Record<string, SqlValue | undefined>)[name];
  if (value === undefined) throw new RangeError(`missing named parameter '${name}'`);
  return value;
}

function passwordOf(url: string): string {
  try {
    const parsed = new URL(url);
    return decodeURIComponent(parsed.password) || (parsed.searchParams.get('password') ?? '');
  } catch {
    return '';
  }
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN']);

/** node-postgres's words for a connection that timed out, ended, or was lost earlier. */
const LOST_CONNECTION = /timeout|Connection terminated|not queryable/i;

/** A database error as the core reports it: read-only refusals and lost servers get their own errors. */
function describe(error: unknown, location: string): Error {
  if (error instanceof ReadOnlyError || error instanceof StoreUnavailableError) return error;
  const code = (error as { code?: string }).code ?? '';
  // 25006: read-only transaction; 42501: no privilege (a viewer's role).
  if (code === '25006' || code === '42501') return new ReadOnlyError();
  const message = error instanceof Error ? error.message : String(error);
  if (UNREACHABLE.has(code) || code.startsWith('08') || code === '57P01' || code === '57P03' || code === '28P01' || code === '28000' || LOST_CONNECTION.test(message)) {
    return new StoreUnavailableError(`cannot reach the team database at ${location}: ${message}`);
  }
  return error instanceof Error ? error : new Error(message);
}
