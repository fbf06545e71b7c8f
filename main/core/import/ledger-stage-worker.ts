// The worker of ledger-stage.ts: reads a ledger export on this thread, parsing and validating it as any import
// does, into a staging database of its own, while the importing thread is still busy with the file before it.
// The stage is thrown away after the import, so it is written without a journal.
import { createHash } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { BulkInsert } from './bulk-insert.js';
import { IdSightings } from './id-sightings.js';
import { STAGE_TABLES, type StageJob, type StagedLedger } from './ledger-stage.js';
import { readOutcomes } from './read-outcomes.js';

class NotALedger extends Error {}

async function stage({ file, stage, mappings }: StageJob): Promise<StagedLedger> {
  const db = new BetterSqlite3(stage);
  try {
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.exec(STAGE_TABLES);
    const entries = new BulkInsert(db, 'INSERT INTO staged_entries VALUES (?, ?, ?, ?, ?, ?, ?)');
    // One by one: they are few, and a queued row's id would keep the whole chunk of text it was cut from alive.
    const repeats = db.prepare('INSERT INTO staged_repeats VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const rejected = db.prepare('INSERT INTO staged_rejected VALUES (?, ?, ?)');
    const seen = new IdSightings();
    const hash = createHash('sha256');
    const read: StagedLedger = { format: '', hash: '', rows: 0, entries: 0, ignored: 0, testModeRows: 0, rejected: 0, newestAt: null };
    db.exec('BEGIN');
    await readOutcomes(
      file,
      mappings,
      {
        format(format) {
          if (!format.startsWith('ledger.')) throw new NotALedger(format);
          read.format = format;
          return undefined;
        },
        // Counted as outcomeSink (file-outcomes.ts) counts, without its list of errors: each error's raw text is a
        // slice of the chunk it was read from and would keep that whole chunk alive here. The ledger's import
        // replays the rejected rows through its own sink.
        outcome(line, outcome, raw) {
          read.rows++;
          switch (outcome.kind) {
            case 'ledger': {
              const { id, accountId, type, amountCents, currency, createdAt, paymentId } = outcome.entry;
              if (read.newestAt === null || createdAt > read.newestAt) read.newestAt = createdAt;
              // A first sighting cannot repeat an entry of this file; the rest go in through the key, as any row.
              if (seen.firstSighting(id)) {
                entries.add(id, accountId, type, amountCents, currency, createdAt, paymentId);
                read.entries++;
              } else {
                repeats.run(line, id, accountId, type, amountCents, currency, createdAt, paymentId);
              }
              return;
            }
            case 'ignored':
              read.ignored++;
              if (outcome.testMode) read.testModeRows++;
              return;
            case 'error':
              read.rejected++;
              rejected.run(line, outcome.reason, raw());
              return;
            default:
              throw new NotALedger(outcome.kind);
          }
        },
        progress() {},
      },
      { onRawChunk: (chunk) => hash.update(chunk) },
    );
    entries.flush();
    db.exec('COMMIT');
    read.hash = hash.digest('hex');
    return read;
  } finally {
    db.close();
  }
}

if (parentPort) {
  const port = parentPort;
  stage(workerData as StageJob).then(
    (read) => port.postMessage({ type: 'staged', read }),
    // The import reads the file itself then, and reports whatever is wrong with it as it always does.
    (error: Error) => port.postMessage({ type: 'failed', message: error.message }),
  );
}
