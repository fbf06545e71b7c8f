// The parse half of a large import, in a worker thread: reads and validates the file and posts outcomes in
// batches, while the importing thread writes the previous batch to SQLite. A snapshot of stored payments is read
// by two of these at once, each one part of the file (parse-in-worker.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { FileError } from './file-error.js';
import type { SavedMapping } from './formats/recognise.js';
import { laterPartStart } from './later-part-start.js';
import { readOutcomes, UnrecognisedHeader, type FilePart, type StoredRows } from './read-outcomes.js';
import { OutcomeEncoder, type OutcomeBatch } from './outcome-codec.js';
import { RowHashSet, SharedSetFromPages, type RowHashPageMessage } from './row-hash-set.js';
import type { UnchangedRows } from './unchanged-rows.js';

export interface ParseJob {
  file: string;
  mappings: SavedMapping[];
  /** This worker reads the later part of the file, from the first record boundary at or after this byte. */
  laterPartFrom?: number;
  /** This worker reads on from where the earlier part ended, with the ids that part read in full. */
  resume?: { byte: number; line: number; earlierIds: ArrayBuffer | null };
}

/** From the importing thread. */
export type ImporterMessage =
  /** A batch was applied. */
  | 'ack'
  /**
   * The stored rows' hashes, asked for by a 'format' message, page by page. The worker builds their set in
   * shared memory and posts it back ('storedSet'), for the other workers of the file.
   */
  | RowHashPageMessage
  /** To the other workers of the file: the set the first one built. */
  | { type: 'storedSet'; shared: SharedArrayBuffer }
  /** To the earlier part: end before the record on this line (null: read to the end after all). */
  | { type: 'endAtLine'; line: number | null }
  /** To the later part: the earlier one has ended, having read these ids in full. */
  | { type: 'earlierPart'; ids: ArrayBuffer | null };

export type ParseMessage =
  /** `payments`: the format's rows are payments (what a read in two parts is for). */
  | { type: 'format'; format: string; payments: boolean }
  /** The stored rows' set, built from the pages, for the other workers of the file. */
  | { type: 'storedSet'; shared: SharedArrayBuffer }
  | { type: 'outcomes'; batch: OutcomeBatch; bytesRead: number }
  | { type: 'done' }
  /** The earlier part ended where the later one starts. */
  | { type: 'partEnd'; ids: ArrayBuffer | null }
  /** The later part found where it starts. */
  | { type: 'partStart'; byte: number; line: number }
  /** The later part's bytes read while its outcomes are held. */
  | { type: 'partProgress'; bytesRead: number }
  /** The later part cannot be used: the earlier part is to read on to the end, or another worker from its start. */
  | { type: 'partUnusable'; why: string }
  | { type: 'fileError'; reason: string; line?: number; header?: string; status?: 'unrecognised' | 'rejected' }
  | { type: 'error'; message: string };

/** Outcomes per posted batch, not counting unchanged rows (two values each, at most a chunk of them). */
const BATCH = 2000;
const BATCHES_IN_FLIGHT = 4;
/** Rows besides unchanged ones that the later part holds until the earlier part ends; past this, it gives up. */
const HELD_ROWS = 20_000;

class GiveUp extends Error {}

async function run(port: NonNullable<typeof parentPort>, job: ParseJob): Promise<void> {
  const post = (message: ParseMessage) => port.postMessage(message);
  const encoder = new OutcomeEncoder();
  let count = 0;
  let bytesRead = 0;
  let inFlight = 0;
  let wake: (() => void) | undefined;
  let resolveStored!: (stored: StoredRows) => void;
  const storedRows = new Promise<StoredRows>((resolve) => (resolveStored = resolve));
  const storedPages = new SharedSetFromPages();
  const part: FilePart = {};
  const postOutcomes = (batch: OutcomeBatch, bytes: number) => {
    post({ type: 'outcomes', batch, bytesRead: bytes });
    inFlight++;
  };
  const later = job.laterPartFrom !== undefined ? new LaterPart(post, postOutcomes) : undefined;

  port.on('message', (message: ImporterMessage) => {
    if (message === 'ack') {
      inFlight--;
      wake?.();
    } else if (message.type === 'storedRows' || message.type === 'storedPage' || message.type === 'storedEnd') {
      storedPages.take(message, (set) => {
        if (set) post({ type: 'storedSet', shared: set.buffer as SharedArrayBuffer });
        resolveStored(set);
      });
    } else if (message.type === 'storedSet') {
      resolveStored(new RowHashSet(message.shared));
    } else if (message.type === 'endAtLine') {
      part.endLine = message.line ?? undefined;
    } else if (message.type === 'earlierPart') {
      later?.earlierPartEnded(message.ids === null ? undefined : new Uint32Array(message.ids));
    }
  });
  const flush = () => {
    if (encoder.batch.length === 0) return;
    const batch = encoder.take();
    const rows = count;
    count = 0;
    if (later?.holding) later.hold(batch, rows, bytesRead);
    else postOutcomes(batch, bytesRead);
  };
  let unchanged: UnchangedRows | undefined;
  part.onUnchangedRows = (rows) => {
    unchanged = rows;
    if (later) later.reading(rows);
    else if (job.resume?.earlierIds) rows?.takeEarlierPart(new Uint32Array(job.resume.earlierIds));
  };
  try {
    if (later) {
      const start = laterPartStart(job.file, job.laterPartFrom!);
      if (start === undefined) return post({ type: 'partUnusable', why: 'no record boundary after the middle' });
      post({ type: 'partStart', ...start });
      part.start = start;
    } else if (job.resume) {
      part.start = { byte: job.resume.byte, line: job.resume.line };
    }
    const end = await readOutcomes(
      job.file,
      job.mappings,
      {
        format(format) {
          // Only the worker that reads the file's start tells the format: the later part's is the same.
          if (part.start === undefined) post({ type: 'format', format, payments: format.startsWith('payments.') });
          return storedRows;
        },
        outcome(line, outcome, raw) {
          encoder.add(line, outcome, raw);
          if (outcome.kind !== 'unchanged' && ++count >= BATCH) flush();
        },
        progress(bytes) {
          bytesRead = bytes;
          flush();
        },
      },
      {
        beforeChunk: async () => {
          if (later?.gaveUp) throw new GiveUp();
          while (inFlight >= BATCHES_IN_FLIGHT) await new Promise<void>((resolve) => (wake = resolve));
        },
        part,
      },
    );
    flush();
    if (end === 'part') {
      const ids = unchanged?.idsReadInFull()?.slice().buffer ?? null;
      return port.postMessage({ type: 'partEnd', ids } satisfies ParseMessage, ids ? [ids] : []);
    }
    if (later && !(await later.released())) return;
    post({ type: 'done' });
  } catch (error) {
    if (error instanceof GiveUp) return;
    if (later && !(await later.released())) return;
    if (error instanceof UnrecognisedHeader) post({ type: 'fileError', reason: error.reason, line: error.line, header: error.header, status: error.status });
    else if (error instanceof FileError) post({ type: 'fileError', reason: error.reason, line: error.line });
    else post({ type: 'error', message: (error as Error).stack ?? String(error) });
  }
}

/**
 * The later part's outcomes, held until the earlier part has ended: its rows come after every row of the
 * earlier part, and whether a row is unchanged depends on the ids that part read in full.
 */
class LaterPart {
  holding = true;
  gaveUp = false;
  private held: { batch: OutcomeBatch; bytesRead: number }[] = [];
  private heldRows = 0;
  private headerRead = false;
  private unchanged: UnchangedRows | undefined;
  private earlier: { ids: Uint32Array | undefined } | undefined;
  private release!: (usable: boolean) => void;
  private readonly outcome = new Promise<boolean>((resolve) => (this.release = resolve));

  constructor(
    private readonly post: (message: ParseMessage) => void,
    private readonly postOutcomes: (batch: OutcomeBatch, bytesRead: number) => void,
  ) {}

  /** The header is read: `rows` recognises this part's unchanged rows. */
  reading(rows: UnchangedRows | undefined): void {
    this.headerRead = true;
    this.unchanged = rows;
    rows?.awaitEarlierPart();
    if (this.earlier) this.earlierPartEnded(this.earlier.ids);
  }

  hold(batch: OutcomeBatch, rows: number, bytesRead: number): void {
    // A copy: the batch's strings are slices of the chunks' text, which would all stay in memory with them.
    this.held.push({ batch: structuredClone(batch), bytesRead });
    this.heldRows += rows;
    this.post({ type: 'partProgress', bytesRead });
    if (this.heldRows > HELD_ROWS) {
      this.giveUp(`more than ${HELD_ROWS} rows to write`);
      throw new GiveUp();
    }
  }

  earlierPartEnded(ids: Uint32Array | undefined): void {
    if (!this.holding) return;
    this.earlier = { ids };
    if (!this.headerRead) return; // `reading` comes back here
    if (this.unchanged && !this.unchanged.takeEarlierPart(ids)) return this.giveUp('a row it called unchanged has an id the earlier part read in full');
    this.holding = false;
    for (const { batch, bytesRead } of this.held) this.postOutcomes(batch, bytesRead);
    this.held = [];
    this.release(true);
  }

  /** Resolves once the earlier part has ended: true when this part's outcomes were posted, false when it gave up. */
  released(): Promise<boolean> {
    return this.outcome;
  }

  private giveUp(why: string): void {
    if (this.gaveUp) return;
    this.gaveUp = true;
    this.holding = false;
    this.held = [];
    this.post({ type: 'partUnusable', why });
    this.release(false);
  }
}

if (parentPort) void run(parentPort, workerData as ParseJob);
