// First launch: a database with no imports gets the demo data, and its exports folder becomes the synced one.
import path from 'node:path';
import { openDb } from './db/open.js';
import { loadDemo } from './demo/load-demo.js';
import { readSettings, writeSettings } from './settings.js';

export async function loadDemoIfEmpty(dbFile: string): Promise<boolean> {
  const db = openDb(dbFile);
  try {
    const imports = (db.prepare('SELECT count(*) AS n FROM imports').get() as { n: number }).n;
    if (imports > 0) return false;
    const folder = path.join(path.dirname(dbFile), 'demo-exports');
    await loadDemo(db, folder);
    if (readSettings(db).exportFolders.length === 0) writeSettings(db, { exportFolders: [folder] });
    return true;
  } finally {
    db.close();
  }
}
