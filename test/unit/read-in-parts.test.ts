// A newer snapshot read by two parse workers at once (parse-in-worker.ts) must give exactly the outcomes of one
// reader going through the file in order: the same rows read in full, at the same lines, after the same number
// of unchanged rows; and when the split cannot be trusted, it must say so and still give them.
import { createRequire } from 'node:module';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FileError } from '../../main/core/import/file-error.js';
import { readOutcomes, type OutcomeSink } from '../../main/core/import/read-outcomes.js';
import type { RowOutcome } from '../../main/core/import/records.js';
import type { RowHash } from '../../main/core/import/row-hash.js';
import type { RowHashPages } from '../../main/core/import/row-hash-set.js';
import { LEDGER_HEADER, PAYMENTS_HEADER, tempDir, writeExport } from '../support/db.js';

// The workers run from the build, as in the app (the test command builds first).
const root = path.resolve(__dirname, '../..');
const { readOutcomesInWorker } = createRequire(__filename)(path.join(root, 'dist/main/core/import/parse-in-worker.js')) as typeof import('../../main/core/import/parse-in-worker.js');

const ROWS = 60_000;
const row = (i: number, status = 'succeeded', description = `credit pack ${'x'.repeat(40)}`) =>
  `pay_${String(i).padStart(6, '0')},acct_${i % 900},10.00,usd,${status},2026-03-15T10:${String(i % 60).padStart(2, '0')}:00Z,,in_${i},u${i}@example.com,${description}`;
const exportOf = (rows: string[]) => [PAYMENTS_HEADER, ...rows].join('\n') + '\n';
const firstRows = Array.from({ length: ROWS }, (_, i) => row(i));

/** What a reader tells, in order: every outcome but unchanged ones, each with how many unchanged rows came before it. */
interface Read {
  outcomes: string[];
  unchanged: number;
}

function recorder(stored: () => RowHashPages | undefined | Promise<RowHashPages | undefined>): { sink: OutcomeSink; read: Read } {
  const read: Read = { outcomes: [], unchanged: 0 };
  const describeOutcome = (outcome: RowOutcome, raw: string) => {
    switch (outcome.kind) {
      case 'payment':
        return `payment ${outcome.payment.id} ${outcome.payment.status} ${outcome.rowHash?.hi}/${outcome.rowHash?.lo}`;
      case 'error':
        return `error ${outcome.reason} ${raw}`;
      default:
        return outcome.kind;
    }
  };
  const sink: OutcomeSink = {
    format: () => stored(),
    outcome(line, outcome, raw) {
      if (outcome.kind === 'unchanged') read.unchanged++;
      else read.outcomes.push(`${read.unchanged} line ${line}: ${describeOutcome(outcome, raw())}`);
    },
    progress() {},
  };
  return { sink, read };
}

let storedHashes: RowHash[] = [];
/** The stored hashes as a store gives them: pages of [hi, lo] words, big-endian. */
const storedSet = (): RowHashPages => {
  const pages: Buffer[] = [];
  for (let at = 0; at < storedHashes.length; at += 10_000) {
    const page = Buffer.alloc(8 * Math.min(10_000, storedHashes.length - at));
    for (let i = 0; i < page.length / 8; i++) {
      page.writeInt32BE(storedHashes[at + i].hi, 8 * i);
      page.writeInt32BE(storedHashes[at + i].lo, 8 * i + 4);
    }
    pages.push(page);
  }
  return { expected: storedHashes.length, pages };
};

beforeAll(async () => {
  // The row hashes a first import of firstRows stores.
  const first = writeExport('payments.csv', exportOf(firstRows));
  storedHashes = [];
  await readOutcomes(first, [], {
    format: () => undefined,
    outcome(_line, outcome) {
      if (outcome.kind === 'payment' && outcome.rowHash) storedHashes.push(outcome.rowHash);
    },
    progress() {},
  });
  expect(storedHashes).toHaveLength(ROWS);
});

/**
 * Reads `file` in this thread and through the workers (always offered two parts); returns both. The stored
 * hashes come half a second late, so that the later part has started (and told the earlier one where it starts)
 * before any row is read, however slowly its worker starts on a busy machine. `slowWrites`: each batch takes
 * that long to write, so a worker with many rows to post falls behind one that holds its rows.
 */
async function readBoth(file: string, slowWrites = 0) {
  const inThread = recorder(storedSet);
  await readOutcomes(file, [], inThread.sink);
  const workers = recorder(() => new Promise((resolve) => setTimeout(() => resolve(storedSet()), 500)));
  const beforeAck = slowWrites ? () => new Promise((resolve) => setTimeout(resolve, slowWrites)) : undefined;
  const how = await readOutcomesInWorker(file, [], workers.sink, { partsFromBytes: 0, beforeAck });
  return { inThread: inThread.read, workers: workers.read, how };
}

describe('a newer snapshot read in two parts at once', () => {
  it('gives the outcomes of one reader when rows changed on both sides of the middle', async () => {
    const rows = firstRows.map((line, i) => (i % 97 === 0 ? row(i, 'refunded') : line));
    rows.splice(45_000, 0, 'pay_bad,acct_1,12.345,usd,succeeded,2026-03-15T10:00:00Z,,,,', row(ROWS + 1));
    const { inThread, workers, how } = await readBoth(writeExport('newer.csv', exportOf(rows)));
    expect(how).toBe('two parts');
    expect(workers).toEqual(inThread);
    expect(inThread.unchanged).toBe(ROWS - Math.ceil(ROWS / 97));
    expect(inThread.outcomes.filter((o) => o.includes('error'))).toEqual([
      `${45_000 - Math.ceil(45_000 / 97)} line 45002: error amount: more decimals than usd allows (2) pay_bad,acct_1,12.345,usd,succeeded,2026-03-15T10:00:00Z,,,,`,
    ]);
  });

  it('reads the later part again when a row it called unchanged has an id the earlier part read in full', async () => {
    // pay_000010 changes near the start; its stored text comes back just after the middle, where the later part
    // reads it long before the earlier part ends, and must then be read in full.
    const at = ROWS / 2 + 200;
    const rows = firstRows.map((line, i) => (i % 1000 === 10 ? row(i, 'refunded') : line));
    rows.splice(at, 0, row(10));
    const { inThread, workers, how } = await readBoth(writeExport('newer.csv', exportOf(rows)), 100);
    expect(how).toBe('two parts, the later read again');
    expect(workers).toEqual(inThread);
    expect(inThread.outcomes).toHaveLength(ROWS / 1000 + 1);
    const changedBefore = Math.floor((at - 10 - 1) / 1000) + 1;
    expect(inThread.outcomes).toContainEqual(expect.stringMatching(new RegExp(`^${at - changedBefore} line ${at + 2}: payment pay_000010 succeeded `)));
  });

  it('reads on in one worker when the later part has more changed rows than it may hold', async () => {
    // Every row changed: the earlier part posts its rows as it goes and waits for them to be written, while the
    // later part holds its own and gives up long before the earlier one reaches it.
    const rows = firstRows.map((_, i) => row(i, 'pending'));
    const { inThread, workers, how } = await readBoth(writeExport('newer.csv', exportOf(rows)), 300);
    expect(how).toBe('one worker');
    expect(workers).toEqual(inThread);
    expect(inThread.outcomes).toHaveLength(ROWS);
  });

  it('starts the later part after a quoted field that spans lines across the middle', async () => {
    const rows = firstRows.map((line, i) => (i % 2 === 0 ? row(i, 'succeeded', `"a note\nover two lines, ${i}"`) : line));
    const { inThread, workers, how } = await readBoth(writeExport('newer.csv', exportOf(rows)));
    expect(how).toBe('two parts');
    expect(workers).toEqual(inThread);
    expect(inThread.outcomes).toHaveLength(ROWS / 2); // the quoted rows are not stored as they are
  });

  it('reads on in one worker when a stray quote puts the later part inside a record', async () => {
    // The stray quote (literal, in an unquoted field) makes the byte scan count one quote too many, so the first
    // "even" line feed it finds is inside the quoted field after the middle.
    const rows = [...firstRows];
    rows[100] = row(100, 'succeeded', 'a 15" screen');
    for (let i = ROWS / 2 - 2000; i < ROWS / 2 + 2000; i++) rows[i] = row(i, 'succeeded', `"a note\nover two lines"`);
    const { inThread, workers, how } = await readBoth(writeExport('newer.csv', exportOf(rows)));
    expect(how).toBe('one worker');
    expect(workers).toEqual(inThread);
    expect(inThread.outcomes).toHaveLength(4001);
  });

  it('reports a broken byte in the later part with its line, as one reader does', async () => {
    const text = exportOf(firstRows.map((line, i) => (i === 7 ? row(7, 'refunded') : line)));
    const at = Buffer.byteLength(text.slice(0, text.indexOf('pay_040000')));
    const bytes = Buffer.from(text);
    bytes[at + 3] = 0xff;
    const file = writeExport('newer.csv', bytes, tempDir());
    const inThread = await readOutcomes(file, [], recorder(storedSet).sink).catch((error: unknown) => error);
    const workers = await readOutcomesInWorker(file, [], recorder(storedSet).sink, { partsFromBytes: 0 }).catch((error: unknown) => error);
    expect(inThread).toBeInstanceOf(FileError);
    expect(workers).toMatchObject({ line: 40_002, message: (inThread as FileError).message }); // a FileError of the build's module
  });

  it('starts the later part with the first when the caller knows the file is payments, with the same outcomes', async () => {
    const rows = firstRows.map((line, i) => (i % 89 === 0 ? row(i, 'refunded') : line));
    const file = writeExport('newer.csv', exportOf(rows));
    const inThread = recorder(storedSet);
    await readOutcomes(file, [], inThread.sink);
    const workers = recorder(storedSet);
    expect(await readOutcomesInWorker(file, [], workers.sink, { partsFromBytes: 0, paymentsExpected: true })).toBe('two parts');
    expect(workers.read).toEqual(inThread.read);
    expect(inThread.read.outcomes).toHaveLength(Math.ceil(ROWS / 89));
  });

  it('reads a file that is not payments after all in one worker, though payments were expected', async () => {
    const ledger = Array.from({ length: ROWS }, (_, i) => `le_${i},acct_${i % 900},credit_purchased,10.00,usd,2026-03-15T10:00:00Z,pay_${i}`);
    const file = writeExport('ledger.csv', [LEDGER_HEADER, ...ledger].join('\n') + '\n');
    const inThread = recorder(() => undefined);
    await readOutcomes(file, [], inThread.sink);
    const workers = recorder(() => undefined);
    expect(await readOutcomesInWorker(file, [], workers.sink, { partsFromBytes: 0, paymentsExpected: true })).toBe('one worker');
    expect(workers.read).toEqual(inThread.read);
    expect(workers.read.outcomes).toHaveLength(ROWS);
  });

  it('reads a first import in one worker: nothing stored to recognise', async () => {
    const file = writeExport('payments.csv', exportOf(firstRows));
    const inThread = recorder(() => undefined);
    await readOutcomes(file, [], inThread.sink);
    const workers = recorder(() => undefined);
    expect(await readOutcomesInWorker(file, [], workers.sink, { partsFromBytes: 0 })).toBe('one worker');
    expect(workers.read).toEqual(inThread.read);
    expect(workers.read.outcomes).toHaveLength(ROWS);
    // Told late that nothing is stored, after the later part (started at once) has said where it starts.
    const told = recorder(() => new Promise((resolve) => setTimeout(() => resolve(undefined), 500)));
    expect(await readOutcomesInWorker(file, [], told.sink, { partsFromBytes: 0, paymentsExpected: true })).toBe('one worker');
    expect(told.read).toEqual(inThread.read);
  });
});
