// Rebuilds the flag lists off the UI thread after a change of thresholds (or an import by another process):
// at 100,000 duplicate clusters that takes seconds, during which the API keeps answering from the old lists.
import { parentPort, workerData } from 'node:worker_threads';
import { openDb } from './db/open.js';
import { refreshFlagLists } from './flag-lists/refresh.js';

export interface ListsJob {
  dbFile: string;
}

export type ListsWorkerMessage = { type: 'done'; rebuilt: boolean; ms: number } | { type: 'error'; message: string };

function run(job: ListsJob): void {
  const db = openDb(job.dbFile);
  try {
    const { rebuilt, ms } = refreshFlagLists(db);
    parentPort?.postMessage({ type: 'done', rebuilt, ms } satisfies ListsWorkerMessage);
  } finally {
    db.close();
  }
}

try {
  run(workerData as ListsJob);
} catch (error) {
  parentPort?.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies ListsWorkerMessage);
}
