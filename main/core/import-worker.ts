// The import, off the UI thread: a worker_threads Worker with its own database connection, so the window and
// the API keep answering while a large export streams in. Cancel by posting 'cancel'.
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { SyncProgress } from '../../shared/api.js';
import type { ImportFileReport } from '../../shared/domain.js';
import { openStore } from './store/open-store.js';
import { refreshFlagListsAfter } from './flag-lists/refresh.js';
import { planSync, runSync } from './import/sync.js';

export interface ImportJob {
  dbFile: string;
  paths: string[];
  maxRejectedRows: number;
}

export type WorkerMessage =
  | { type: 'progress'; progress: SyncProgress }
  | { type: 'fileDone'; report: ImportFileReport }
  | { type: 'done'; reports: ImportFileReport[]; canceled: boolean }
  | { type: 'error'; message: string };

const PROGRESS_EVERY_MS = 100;

async function run(job: ImportJob): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('import-worker must run as a worker thread');
  const controller = new AbortController();
  port.on('message', (message) => {
    if (message === 'cancel') controller.abort();
  });
  const post = (message: WorkerMessage) => port.postMessage(message);
  const db = await openStore(job.dbFile);
  try {
    const plan = await planSync(db, job.paths);
    const { files } = plan; // in the order they are imported, which the progress below follows
    const sizes = files.map((f) => (fs.existsSync(f) ? fs.statSync(f).size : 0));
    const bytesTotal = sizes.reduce((a, b) => a + b, 0);
    const started = Date.now();
    let lastSent = 0;
    let rowsBefore = 0;
    const send = (path: string, fileIndex: number, bytesInFile: number, rowsInFile: number, force: boolean) => {
      const now = Date.now();
      if (!force && now - lastSent < PROGRESS_EVERY_MS) return;
      lastSent = now;
      const bytesDone = sizes.slice(0, fileIndex).reduce((a, b) => a + b, 0) + Math.min(bytesInFile, sizes[fileIndex] ?? 0);
      const seconds = Math.max(0.001, (now - started) / 1000);
      const rows = rowsBefore + rowsInFile;
      const bytesPerSecond = bytesDone / seconds;
      post({
        type: 'progress',
        progress: {
          path, fileIndex, fileCount: files.length, bytesDone, bytesTotal, rows,
          rowsPerSecond: Math.round(rows / seconds),
          etaSeconds: bytesPerSecond > 0 && seconds > 0.5 ? Math.max(0, (bytesTotal - bytesDone) / bytesPerSecond) : null,
          percent: bytesTotal === 0 ? 100 : Math.min(100, (bytesDone / bytesTotal) * 100),
        },
      });
    };
    const reports = await runSync(db, plan, {
      maxRejectedRows: job.maxRejectedRows,
      signal: controller.signal,
      onProgress: (p) => send(p.path, p.fileIndex, p.bytesRead, p.rows, false),
      onFileDone: (report) => {
        const index = files.indexOf(report.path);
        rowsBefore += report.rows;
        send(report.path, index, sizes[index] ?? 0, 0, true);
        post({ type: 'fileDone', report });
      },
    });
    // Rebuilt here, off the UI thread, so the first look at a list after a sync reads it ready-made.
    await refreshFlagListsAfter(db, reports);
    if (reports.some((r) => r.status === 'imported')) await db.announce({ tables: ['payments', 'ledger', 'imports', 'flags'] });
    post({ type: 'done', reports, canceled: controller.signal.aborted });
  } finally {
    await db.close();
  }
}

run(workerData as ImportJob).catch((error: unknown) => {
  parentPort?.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies WorkerMessage);
});
