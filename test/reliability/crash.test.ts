// A crash mid-import loses nothing: `paydesk import` of a large export is killed with SIGKILL at several
// points, from before its transaction begins to the checkpoint after its commit. Each time the database must be
// intact, hold the file entirely or not at all, keep the earlier state (reviews and their audit log included),
// and a re-run must end exactly where an uninterrupted import ends.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../main/core/db/open.js';
import { refreshFlagLists } from '../../main/core/flag-lists/refresh.js';
import { syncPaths } from '../../main/core/import/sync.js';
import { applyReviewDecision } from '../../main/core/reviews.js';
import { ensureCliBuilt, exited, runPaydesk, spawnPaydesk } from '../support/cli.js';
import { fileDb, tempDir } from '../support/db.js';
import { contentDigests, IMPORT_HISTORY_TABLES, indexNames, integrityCheck, rowCount, tableDigest } from '../support/db-state.js';
import { CAN_WATCH_READS, ImportWatch, pause, type ImportProgress } from '../support/import-watch.js';
import {
  earlierSnapshot,
  generatePayments,
  writeCreditsExport,
  writePaymentsExport,
  type GeneratedPayment,
  type PaymentGeneration,
} from '../support/payment-exports.js';

/** The large export: 100,000 payments (about 14.5 MB), of which the first 2,000 are in the baseline as older snapshots. */
const EXPORT: PaymentGeneration = { seed: 20260315, count: 100_000 };
const BASELINE_PAYMENTS = 2_000;

interface DbState {
  digests: Record<string, string>;
  indexes: string[];
  imports: number;
  bytes: number;
}

interface KillPoint {
  name: string;
  reached(progress: ImportProgress, setting: { exportBytes: number; baselineDbBytes: number; referenceMs: number }): boolean;
}

/** Killing at a point means at the first moment it is seen reached, or later: each condition stays true. */
const importReadAtLeast =
  (fraction: number): KillPoint['reached'] =>
  (p, s) =>
    p.readForImport || (p.opens >= 2 && p.position >= fraction * s.exportBytes);

const WATCHED_KILL_POINTS: KillPoint[] = [
  // The hash is read on another core while the import takes the write lock and reads what the file will need: the
  // pass is short, so the kill comes as soon as it is seen.
  { name: 'hashing the export, nothing written yet', reached: (p) => p.opens >= 1 },
  { name: 'in the transaction, 10% of the export read', reached: importReadAtLeast(0.1) },
  { name: 'in the transaction, 50% read', reached: importReadAtLeast(0.5) },
  { name: 'in the transaction, 90% read', reached: importReadAtLeast(0.9) },
  { name: 'export read; derived tables and indexes before commit', reached: (p) => p.readForImport },
  { name: 'committing: the WAL grows after the export was read', reached: (p) => p.readForImport && p.walBytes > p.walBytesWhenRead },
  { name: 'checkpoint after commit: the database file grows', reached: (p, s) => p.dbBytes > s.baselineDbBytes },
];

/** Without /proc (not Linux), the same spread by time, as fractions of an uninterrupted import. */
const TIMED_KILL_POINTS: KillPoint[] = [0.1, 0.3, 0.5, 0.7, 0.85, 0.93, 0.98].map((fraction) => ({
  name: `${Math.round(fraction * 100)}% of an uninterrupted import's time`,
  reached: (p, s) => p.elapsedMs >= fraction * s.referenceMs,
}));

const KILL_POINTS = CAN_WATCH_READS ? WATCHED_KILL_POINTS : TIMED_KILL_POINTS;

interface KillResult {
  point: string;
  at: ImportProgress;
  outcome: 'previous state' | 'fully imported';
  rerun: string;
}

let dir: string;
let exportFile: string;
let exportBytes: number;
let baselineDb: string;
let baseline: DbState;
let reference: DbState & { ms: number; timeline: string[] };
const results: KillResult[] = [];

/** The state of a database; `checkIntegrity` runs PRAGMA integrity_check first (about a second at this size). */
function stateOf(dbFile: string, checkIntegrity = true): DbState {
  const db = openDb(dbFile);
  try {
    if (checkIntegrity) expect(integrityCheck(db)).toBe('ok');
    return {
      digests: contentDigests(db, IMPORT_HISTORY_TABLES),
      indexes: indexNames(db),
      imports: rowCount(db, 'imports'),
      bytes: fs.statSync(dbFile).size,
    };
  } finally {
    db.close();
  }
}

/** Prior state: older snapshots of some payments, a ledger, and review decisions with their audit log. */
async function buildBaseline(): Promise<string> {
  const file = path.join(dir, 'baseline.db');
  const firstPayments: GeneratedPayment[] = [];
  for (const payment of generatePayments(EXPORT)) {
    if (firstPayments.push(payment) === BASELINE_PAYMENTS) break;
  }
  writePaymentsExport(path.join(dir, 'baseline-payments.csv'), firstPayments.map(earlierSnapshot));
  writeCreditsExport(path.join(dir, 'baseline-ledger.csv'), firstPayments);
  const db = fileDb(file);
  try {
    const reports = await syncPaths(db, [path.join(dir, 'baseline-payments.csv'), path.join(dir, 'baseline-ledger.csv')]);
    expect(reports.map((r) => r.status)).toEqual(['imported', 'imported']);
    const decidedAt = Date.UTC(2026, 2, 15, 12);
    const decision = { kind: 'stuck' as const, key: firstPayments[0].id, note: 'asked the bank', reviewer: 'finance-1' };
    await applyReviewDecision(db, { ...decision, decision: 'escalated', decidedAt }, 'user');
    await applyReviewDecision(db, { ...decision, decision: 'resolved', decidedAt: decidedAt + 60_000 }, 'user');
    await applyReviewDecision(db, { kind: 'limited', key: firstPayments[1].accountId, decision: 'contacted', note: '', reviewer: 'support-2', decidedAt }, 'user');
    expect(rowCount(db, 'review_log')).toBe(3);
    await refreshFlagLists(db); // as the app's sync leaves it
  } finally {
    await db.close(); // checkpoints: the copies start without a WAL
  }
  return file;
}

function copyOfBaseline(name: string): string {
  const file = path.join(dir, `${name}.db`);
  fs.copyFileSync(baselineDb, file);
  return file;
}

/** Starts the CLI import and watches it until `stop` says so (then SIGKILLs it) or it exits by itself. */
async function runImport(dbFile: string, stop: (p: ImportProgress) => boolean) {
  const child = spawnPaydesk(['import', '--json', '--db', dbFile, exportFile]);
  if (child.pid === undefined) throw new Error('could not start paydesk');
  const watch = new ImportWatch(child.pid, exportFile, dbFile);
  const seen: ImportProgress[] = [];
  let killedAt: ImportProgress | undefined;
  while (child.exitCode === null && child.signalCode === null) {
    const progress = watch.sample();
    seen.push(progress);
    if (stop(progress)) {
      child.kill('SIGKILL');
      killedAt = progress;
      break;
    }
    await pause(2);
  }
  return { ...(await exited(child)), killedAt, seen };
}

beforeAll(async () => {
  ensureCliBuilt();
  dir = tempDir();
  exportFile = path.join(dir, 'payments-large.csv');
  exportBytes = writePaymentsExport(exportFile, generatePayments(EXPORT)).bytes;
  baselineDb = await buildBaseline();
  baseline = stateOf(baselineDb);

  const referenceDb = copyOfBaseline('reference');
  const started = Date.now();
  const run = await runImport(referenceDb, () => false);
  expect(run.code).toBe(0);
  const ms = Date.now() - started;
  reference = { ...stateOf(referenceDb), ms, timeline: describeTimeline(run.seen) };
  expect(reference.digests.payments).not.toBe(baseline.digests.payments);
  const db = openDb(referenceDb);
  expect(rowCount(db, 'payments')).toBe(EXPORT.count);
  expect(db.prepare(`SELECT inserted, updated FROM imports WHERE status = 'imported' ORDER BY id DESC`).get()).toEqual({
    inserted: EXPORT.count - BASELINE_PAYMENTS,
    updated: BASELINE_PAYMENTS,
  });
  db.close();
}, 120_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true }); // about 300 MB of databases
  if (!reference) return;
  const seenAt = (p: ImportProgress) =>
    `${p.opens <= 1 ? 'hash pass' : 'import pass'} ${p.position < 0 ? 'done' : `${Math.round((100 * p.position) / exportBytes)}%`}, WAL ${(p.walBytes / 1e6).toFixed(1)} MB`;
  const lines = results.map(
    (r) => `  ${r.point.padEnd(56)} killed at ${String(r.at.elapsedMs).padStart(5)} ms (${seenAt(r.at)}) → ${r.outcome}; re-run ${r.rerun}`,
  );
  console.log(
    [
      `crash test: ${EXPORT.count.toLocaleString('en')} rows, ${(exportBytes / 1e6).toFixed(1)} MB; an uninterrupted import took ${reference.ms} ms`,
      ...reference.timeline.map((t) => `  reference: ${t}`),
      `${results.length} kill points tried, nothing lost:`,
      ...lines,
    ].join('\n'),
  );
});

describe(`SIGKILL during \`paydesk import\` of a ${EXPORT.count.toLocaleString('en')}-row export`, () => {
  it.each(KILL_POINTS.map((point) => [point.name, point] as const))('%s', async (_name, point) => {
    const dbFile = copyOfBaseline(`killed-${results.length + 1}`);
    const setting = { exportBytes, baselineDbBytes: baseline.bytes, referenceMs: reference.ms };

    const run = await runImport(dbFile, (progress) => point.reached(progress, setting));

    // It was killed while still running, not after it finished.
    expect(run.killedAt, 'the kill point was reached before the import ended').toBeDefined();
    expect(run.signal).toBe('SIGKILL');

    const db = fileDb(dbFile);
    let applied: boolean;
    try {
      expect(integrityCheck(db)).toBe('ok');
      // A kill between the import's commit and the rebuild of the flag lists leaves them stale, which the next
      // read of a list notices and repairs; after that, nothing may differ from one of the two states.
      await refreshFlagLists(db);
      const payments = rowCount(db, 'payments');
      expect([BASELINE_PAYMENTS, EXPORT.count]).toContain(payments);
      applied = payments === EXPORT.count;
      const expected = applied ? reference : baseline;
      expect(contentDigests(db, IMPORT_HISTORY_TABLES)).toEqual(expected.digests);
      expect(tableDigest(db, 'reviews')).toBe(baseline.digests.reviews);
      expect(tableDigest(db, 'review_log')).toBe(baseline.digests.review_log);
      expect(indexNames(db)).toEqual(baseline.indexes); // indexes dropped for the load came back with the rollback
      expect(rowCount(db, 'imports')).toBe(baseline.imports + (applied ? 1 : 0));
    } finally {
      await db.close();
    }

    const rerun = runPaydesk(['import', '--json', '--db', dbFile, exportFile], { timeoutMs: 60_000 });
    expect(rerun.code).toBe(0);
    const status = (JSON.parse(rerun.stdout) as { files: { status: string }[] }).files[0].status;
    expect(status).toBe(applied ? 'skipped' : 'imported');
    const end = stateOf(dbFile, false);
    expect(end.digests).toEqual(reference.digests);
    expect(end.indexes).toEqual(reference.indexes);

    results.push({ point: point.name, at: run.killedAt!, outcome: applied ? 'fully imported' : 'previous state', rerun: status });
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(dbFile + suffix, { force: true });
  }, 90_000);
});

/** When the phases of an uninterrupted import began, as seen from outside. */
function describeTimeline(seen: readonly ImportProgress[]): string[] {
  const first = (label: string, test: (p: ImportProgress) => boolean) => {
    const p = seen.find(test);
    return p ? `${label} at ${p.elapsedMs} ms` : `${label}: not seen`;
  };
  return [
    first('database open', (p) => p.walBytes >= 0),
    first('hashing', (p) => p.opens === 1),
    first('import reading', (p) => p.opens >= 2 && p.position > 0),
    first('export read', (p) => p.readForImport),
    first('WAL growing after read', (p) => p.readForImport && p.walBytes > p.walBytesWhenRead),
    first('checkpoint', (p) => p.dbBytes > (seen[0]?.dbBytes ?? 0)),
    `exit at ${seen[seen.length - 1]?.elapsedMs ?? 0} ms or later`,
  ];
}
