// `paydesk demo` and the app's first launch: write the seeded demo exports, then sync them like any folder
// (the reviewer's decisions too, as a shared reviews CSV: a later decision made in the app is newer and wins).
import type { ImportFileReport } from '../../../shared/domain.js';
import type { Store } from '../store/store.js';
import { refreshFlagLists } from '../flag-lists/refresh.js';
import { syncPaths } from '../import/sync.js';
import { writeDemoExports, type PlantedCase } from './generate.js';

export interface DemoLoad {
  folder: string;
  reports: ImportFileReport[];
  planted: PlantedCase[];
}

export async function loadDemo(db: Store, folder: string): Promise<DemoLoad> {
  const demo = await writeDemoExports(folder);
  const reports = await syncPaths(db, [demo.files.payments, demo.files.ledger, demo.files.stripePayments, demo.files.reviews]);
  await refreshFlagLists(db);
  return { folder, reports, planted: demo.planted };
}
