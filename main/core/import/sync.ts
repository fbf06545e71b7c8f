// A sync: every export file under the given paths (folders recursively), each imported on its own, so one
// bad file is reported and the rest still go in.
import fs from 'node:fs';
import path from 'node:path';
import type { ImportFileReport, ImportProgress } from '../../../shared/domain.js';
import type { Store } from '../store/store.js';
import { listMappings } from '../mappings.js';


const EXPORT_FILE = /\.(csv|tsv|txt|jsonl|ndjson)(\.gz)?$|\.gz$/i;

export interface SyncOptions {
  maxRejectedRows?: number;
  signal?: AbortSignal;
  onProgress?: (progress: ImportProgress) => void;
  onFileDone?: (report: ImportFileReport) => void;
}

/** The export files a sync of `paths` reads, in a stable order; files named directly are always included. */
export function collectExportFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && EXPORT_FILE.test(entry.name)) files.push(full);
    }
  };
  for (const p of paths) {
    if (fs.existsSync(p) && fs.statSync(p).isDirectory()) walk(p);
    else files.push(p);
  }
  return files;
}

export async function syncPaths(db: Store, paths: readonly string[], options: SyncOptions = {}): Promise<ImportFileReport[]> {
  const files = collectExportFiles(paths);
  const mappings = await listMappings(db);
  const reports: ImportFileReport[] = [];
  for (const [fileIndex, file] of files.entries()) {
    if (options.signal?.aborted) break;
    const report = await db.importFile(file, {
      mappings,
      maxRejectedRows: options.maxRejectedRows,
      signal: options.signal,
      displayPath: file,
      onProgress: (p) => options.onProgress?.({ ...p, path: file, fileIndex, fileCount: files.length }),
    });
    reports.push(report);
    options.onFileDone?.(report);
  }
  return reports;
}
