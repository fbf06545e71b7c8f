// A ledger export read ahead. While a first payments import builds its indexes and purchase gaps (SQLite work on
// the importing thread, the other core mostly idle), a worker reads the ledger export the sync imports next into
// a staging database of its own (ledger-stage-worker.ts). The ledger's import then takes the staged entries in one
// INSERT … SELECT, where it would bind them row by row (docs/benchmarks.md, issue 12). The staged read is only a
// faster way to the same outcomes: when it failed, the file changed since, or the ledger table is no longer
// empty, the import reads the file as usual and reports whatever is wrong with it the usual way.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ImportFileReport } from '../../../shared/domain.js';
import { createOwnerOnly, type Db } from '../db/open.js';
import type { SavedMapping } from './formats/recognise.js';
import type { OutcomeSink } from './read-outcomes.js';
import type { LedgerRecord } from './records.js';
import type { ImportStore } from './store.js';

const WORKER_FILE = path.join(__dirname, 'ledger-stage-worker.js');

/** The worker runs from the build (dist/); from TypeScript sources (the unit tests) it is not there. */
export const ledgerStageAvailable = (): boolean => fs.existsSync(WORKER_FILE);

/** From this size a ledger export after a first payments load is staged: below it the copy is not worth a thread. */
export const STAGE_FROM_BYTES = 32 << 20;

/** The staging database's tables: entries seen once so far (rowid in file order), possible repeats, rejected rows. */
export const STAGE_TABLES = `
  CREATE TABLE staged_entries (id TEXT, account_id TEXT, type TEXT, amount_cents INTEGER, currency TEXT, created_at INTEGER,
    payment_id TEXT);
  CREATE TABLE staged_repeats (line INTEGER, id TEXT, account_id TEXT, type TEXT, amount_cents INTEGER, currency TEXT,
    created_at INTEGER, payment_id TEXT);
  CREATE TABLE staged_rejected (line INTEGER, reason TEXT, raw TEXT);`;

const STAGE_YOUNG_GENERATION_MB = 8;

const STAGE_FILE = 'ledger.db';

/** What the import attaches the staging database as. */
const SCHEMA = 'ledger_stage';

export interface StageJob {
  file: string;
  stage: string;
  mappings: SavedMapping[];
}

/** What the worker read, besides the rows in the staging database. */
export interface StagedLedger {
  format: string;
  /** The SHA-256 of the bytes it read: the import's own hash of the file must match it. */
  hash: string;
  rows: number;
  /** Rows in staged_entries. */
  entries: number;
  ignored: number;
  testModeRows: number;
  rejected: number;
  newestAt: number | null;
}

type StageMessage = { type: 'staged'; read: StagedLedger } | { type: 'failed'; message: string };

export class LedgerStage {
  /** The staged read; undefined when the worker could not read the file as a ledger export. */
  readonly read: Promise<StagedLedger | undefined>;
  private readonly worker: Worker;
  private discarded: Promise<void> | undefined;

  private constructor(
    readonly file: string,
    private readonly dir: string,
    mappings: readonly SavedMapping[],
  ) {
    const job: StageJob = { file, stage: this.databaseFile, mappings: [...mappings] };
    // Its heap is held as small as a parse worker's: it runs while the first payments import is at its peak.
    this.worker = new Worker(WORKER_FILE, { workerData: job, resourceLimits: { maxYoungGenerationSizeMb: STAGE_YOUNG_GENERATION_MB } });
    this.read = new Promise((resolve) => {
      this.worker.once('message', (message: StageMessage) => resolve(message.type === 'staged' ? message.read : undefined));
      this.worker.once('error', () => resolve(undefined));
      this.worker.once('exit', () => resolve(undefined));
    });
  }

  /**
   * Starts staging `file` beside the database at `location` (in a folder of its own, removed by discard). A
   * folder left by a process that ended without removing it is removed first.
   */
  static start(file: string, location: string, mappings: readonly SavedMapping[]): LedgerStage {
    const inMemory = location === ':memory:';
    const parent = inMemory ? os.tmpdir() : path.dirname(path.resolve(location));
    const prefix = `${inMemory ? 'paydesk' : path.basename(location)}.stage-`;
    removeAbandonedStages(parent, prefix);
    const dir = fs.mkdtempSync(path.join(parent, `${prefix}${process.pid}-`));
    try {
      createOwnerOnly(path.join(dir, STAGE_FILE)); // as the database is: it holds the ledger's rows
      return new LedgerStage(file, dir, mappings);
    } catch (error) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  get databaseFile(): string {
    return path.join(this.dir, STAGE_FILE);
  }

  /** Stops the worker if it still runs and removes the staging database. */
  discard(): Promise<void> {
    this.discarded ??= this.worker
      .terminate()
      .catch(() => undefined)
      .then(() => fs.rmSync(this.dir, { recursive: true, force: true }));
    return this.discarded;
  }
}

function removeAbandonedStages(parent: string, prefix: string): void {
  for (const name of fs.readdirSync(parent)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
    if (Number.isInteger(pid) && !processRuns(pid)) fs.rmSync(path.join(parent, name), { recursive: true, force: true });
  }
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Attaches the staging database to `db` (outside any transaction); the returned function detaches it. */
export function attachStage(db: Db, stage: LedgerStage): () => void {
  db.prepare(`ATTACH ? AS ${SCHEMA}`).run(stage.databaseFile);
  return () => db.exec(`DETACH ${SCHEMA}`);
}

/** Rows read a batch at a time: the connection cannot write while a statement of its own is still reading. */
function* batches<T>(db: Db, select: string): Generator<T> {
  const page = db.prepare(`SELECT rowid AS r, * FROM ${SCHEMA}.${select} WHERE rowid > ? ORDER BY rowid LIMIT 10000`);
  for (let after = 0; ; ) {
    const rows = page.all(after) as (T & { r: number })[];
    if (rows.length === 0) return;
    after = rows[rows.length - 1].r;
    yield* rows;
  }
}

/**
 * Applies an attached staged read to the file's import, as the reader would have: the format and every rejected
 * row through `sink`, the counts into `report`, the entries into `store`.
 */
export async function applyStagedLedger(db: Db, read: StagedLedger, sink: OutcomeSink, store: ImportStore, report: ImportFileReport): Promise<void> {
  await sink.format(read.format);
  for (const { line, reason, raw } of batches<{ line: number; reason: string; raw: string }>(db, 'staged_rejected')) {
    sink.outcome(line, { kind: 'error', reason }, () => raw);
  }
  report.rows += read.rows - read.rejected;
  report.ignored += read.ignored;
  report.testModeRows = (report.testModeRows ?? 0) + read.testModeRows;
  const repeats = function* () {
    for (const { line, ...row } of batches<StagedRepeat>(db, 'staged_repeats')) {
      const { id, type, currency } = row;
      const record: LedgerRecord = { id, accountId: row.account_id, type, amountCents: row.amount_cents, currency, createdAt: row.created_at, paymentId: row.payment_id };
      yield { record, line };
    }
  };
  store.ledgerStaged(`${SCHEMA}.staged_entries`, read.newestAt, repeats());
}

interface StagedRepeat {
  line: number;
  id: string;
  account_id: string;
  type: LedgerRecord['type'];
  amount_cents: number;
  currency: string;
  created_at: number;
  payment_id: string | null;
}
