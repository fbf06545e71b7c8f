// First launch: a database with no imports gets the demo data, and its exports folder becomes the synced one.
import path from 'node:path';
import { SqliteStore } from './store/sqlite-store.js';
import { loadDemo } from './demo/load-demo.js';
import { readSettings, writeSettings } from './settings.js';

export async function loadDemoIfEmpty(dbFile: string): Promise<boolean> {
  const db = SqliteStore.open(dbFile);
  try {
    const imports = ((await db.get('SELECT count(*) AS n FROM imports')) as { n: number }).n;
    if (imports > 0) return false;
    const folder = path.join(path.dirname(dbFile), 'demo-exports');
    await loadDemo(db, folder);
    if ((await readSettings(db)).exportFolders.length === 0) await writeSettings(db, { exportFolders: [folder] });
    return true;
  } finally {
    await db.close();
  }
}
