// Rebuilds the flag lists off the UI thread after a change of thresholds (or an import by another process):
// at 100,000 duplicate clusters that takes seconds, during which the API keeps answering from the old lists.
import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from './store/open-store.js';
import { refreshFlagLists } from './flag-lists/refresh.js';

export interface ListsJob {
  dbFile: string;
}

export type ListsWorkerMessage = { type: 'done'; rebuilt: boolean; ms: number } | { type: 'error'; message: string };

async function run(job: ListsJob): Promise<void> {
  const db = await openStore(job.dbFile);
  try {
    const { rebuilt, ms } = await refreshFlagLists(db);
    if (rebuilt) await db.announce({ tables: ['flags'] });
    parentPort?.postMessage({ type: 'done', rebuilt, ms } satisfies ListsWorkerMessage);
  } finally {
    await db.close();
  }
}

run(workerData as ListsJob).catch((error: unknown) => {
  parentPort?.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies ListsWorkerMessage);
});
