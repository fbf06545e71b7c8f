// Browser mode's Browse dialog (folders:list): the sub-folders of one folder, starting at the user's home. Only
// folders ever come back (a symbolic link counts when it leads to a folder); file names are never read out.
// A folder that cannot be listed is an error with its reason in words, not a crash.
import fs from 'node:fs';
import path from 'node:path';
import type { FolderListing } from '../../../shared/api.js';
import { NotFoundError } from './evidence.js';
import { InvalidArgumentError } from './dispatch.js';

/** Sub-folders shown for one folder; a folder with more says so (truncated) rather than sending them all. */
export const MAX_FOLDERS_LISTED = 2000;

const byName = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

function reason(error: NodeJS.ErrnoException, folder: string): Error {
  switch (error.code) {
    case 'ENOENT':
      return new NotFoundError(`There is no folder ${folder}.`);
    case 'ENOTDIR':
      return new InvalidArgumentError(`${folder} is a file, not a folder.`);
    case 'EACCES':
    case 'EPERM':
      return new Error(`paydesk is not allowed to open ${folder} (permission denied).`);
    case 'ELOOP':
      return new Error(`${folder} is a link that leads back to itself.`);
    default:
      return new Error(`Could not open ${folder}: ${error.message}`);
  }
}

/** True when the entry is a folder, or a link to one (a broken or unreadable link is not). */
function isFolder(parent: string, entry: fs.Dirent): boolean {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    return fs.statSync(path.join(parent, entry.name)).isDirectory();
  } catch {
    return false;
  }
}

export function listFolders(requested: string | undefined, home: string): FolderListing {
  const folder = path.resolve(requested ?? home);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(folder, { withFileTypes: true });
  } catch (error) {
    throw reason(error as NodeJS.ErrnoException, folder);
  }
  const folders = entries
    .filter((entry) => isFolder(folder, entry))
    .map((entry) => ({ name: entry.name, path: path.join(folder, entry.name), hidden: entry.name.startsWith('.') }))
    .sort((a, b) => Number(a.hidden) - Number(b.hidden) || byName.compare(a.name, b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const parent = path.dirname(folder);
  return {
    path: folder,
    parent: parent === folder ? null : parent,
    folders: folders.slice(0, MAX_FOLDERS_LISTED),
    truncated: folders.length > MAX_FOLDERS_LISTED,
    home: path.resolve(home),
  };
}
