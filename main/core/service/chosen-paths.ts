// Paths that come in through the API: an exports folder must be a plain absolute path (no ../), and a sync of
// named paths may only read inside the folders the user chose. Symlinks are resolved before the check, so a
// link inside a chosen folder cannot lead out of it.
import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError } from './dispatch.js';

function isPlainAbsolute(p: string): boolean {
  if (!path.isAbsolute(p) || p.includes('\0')) return false;
  return !p.split(/[\\/]/).includes('..');
}

/** The exports folders as given to settings:update, each checked. */
export function checkExportFolders(folders: readonly string[]): string[] {
  for (const folder of folders) {
    if (!isPlainAbsolute(folder)) throw new InvalidArgumentError(`settings:update: exportFolders: "${folder}" is not an absolute path without ".."`);
  }
  return [...folders];
}

const real = (p: string) => {
  try {
    return fs.realpathSync.native(p);
  } catch {
    return path.resolve(p);
  }
};

function isInside(candidate: string, folder: string): boolean {
  const relative = path.relative(folder, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** The paths of a sync:start, each inside one of the chosen folders (or one of them). */
export function checkSyncPaths(paths: readonly string[], chosenFolders: readonly string[]): string[] {
  const folders = chosenFolders.filter(isPlainAbsolute).map(real);
  for (const p of paths) {
    if (!isPlainAbsolute(p) || !folders.some((folder) => isInside(real(p), folder))) {
      throw new InvalidArgumentError(`sync:start: paths: "${p}" is not inside an exports folder you chose`);
    }
  }
  return [...paths];
}
