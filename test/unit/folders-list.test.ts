// folders:list, browser mode's Browse dialog: only folders come back (never a file name), sorted, hidden ones
// last; it starts at the home folder; a folder that is not there, a file or an unreadable folder is a clear error.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../main/core/service/dispatch.js';
import { listFolders, MAX_FOLDERS_LISTED } from '../../main/core/service/folders.js';
import { createService, type Service } from '../../main/core/service/index.js';
import { SqliteStore } from '../../main/core/store/sqlite-store.js';

let dir: string;
beforeEach(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'paydesk-folders-')));
});
afterEach(() => {
  const locked = path.join(dir, 'locked'); // the one folder a test makes unreadable
  if (fs.existsSync(locked)) fs.chmodSync(locked, 0o700);
  fs.rmSync(dir, { recursive: true, force: true });
});

function tree(root: string, folders: string[], files: string[]) {
  for (const f of folders) fs.mkdirSync(path.join(root, f), { recursive: true });
  for (const f of files) fs.writeFileSync(path.join(root, f), 'secret');
}

describe('listFolders', () => {
  it('returns the sub-folders only, sorted by name (numbers in order), hidden ones last, with their absolute paths', () => {
    tree(dir, ['exports', 'Archive', 'b10', 'b9', '.cache', '.config'], ['payments.csv', 'a-file.txt', '.hidden-file', 'zz.jsonl']);
    const listing = listFolders(dir, dir);
    expect(listing.folders.map((f) => f.name)).toEqual(['Archive', 'b9', 'b10', 'exports', '.cache', '.config']);
    expect(listing.folders.map((f) => f.hidden)).toEqual([false, false, false, false, true, true]);
    expect(listing.folders[0].path).toBe(path.join(dir, 'Archive'));
    expect(listing.path).toBe(dir);
    expect(listing.parent).toBe(path.dirname(dir));
    expect(listing.truncated).toBe(false);
    const text = JSON.stringify(listing);
    for (const file of ['payments.csv', 'a-file.txt', '.hidden-file', 'zz.jsonl']) expect(text).not.toContain(file);
  });

  it('starts at the home folder when no path is given, and follows links that lead to folders only', () => {
    tree(dir, ['real', 'real/inside'], ['file.csv']);
    fs.symlinkSync(path.join(dir, 'real'), path.join(dir, 'link-to-folder'));
    fs.symlinkSync(path.join(dir, 'file.csv'), path.join(dir, 'link-to-file'));
    fs.symlinkSync(path.join(dir, 'gone'), path.join(dir, 'broken-link'));
    const listing = listFolders(undefined, dir);
    expect(listing.path).toBe(dir);
    expect(listing.home).toBe(dir);
    expect(listing.folders.map((f) => f.name)).toEqual(['link-to-folder', 'real']);
  });

  it('normalises the path it is given and has no parent at the root', () => {
    tree(dir, ['a/b'], []);
    expect(listFolders(path.join(dir, 'a', 'b', '..', '..'), dir).path).toBe(dir);
    const root = listFolders('/', dir);
    expect(root.path).toBe('/');
    expect(root.parent).toBeNull();
  });

  it('says clearly when the folder does not exist, is a file, or cannot be read', () => {
    tree(dir, ['locked'], ['file.csv']);
    expect(() => listFolders(path.join(dir, 'nope'), dir)).toThrow(`There is no folder ${path.join(dir, 'nope')}.`);
    expect(() => listFolders(path.join(dir, 'file.csv'), dir)).toThrow('is a file, not a folder');
    if (process.getuid?.() !== 0) {
      fs.chmodSync(path.join(dir, 'locked'), 0o000);
      expect(() => listFolders(path.join(dir, 'locked'), dir)).toThrow('permission denied');
    }
  });

  it('sends at most MAX_FOLDERS_LISTED folders and says there are more', () => {
    for (let i = 0; i < MAX_FOLDERS_LISTED + 5; i++) fs.mkdirSync(path.join(dir, `f${i}`));
    const listing = listFolders(dir, dir);
    expect(listing.folders).toHaveLength(MAX_FOLDERS_LISTED);
    expect(listing.truncated).toBe(true);
  });
});

describe('folders:list through the service door', () => {
  let db: SqliteStore;
  let service: Service;
  beforeEach(() => {
    db = SqliteStore.open(path.join(dir, 'paydesk.db'));
    tree(dir, ['exports'], ['notes.txt']);
    service = createService(db, { dbFile: path.join(dir, 'paydesk.db'), mode: 'browser', version: 'test', defaultReviewer: 'me', homeDir: dir });
  });
  afterEach(async () => {
    await service.close();
    await db.close();
  });

  it('lists the home folder and answers a missing folder with a not-found error, not a crash', async () => {
    const home = await dispatch(service.handlers, 'folders:list', {});
    expect(home).toMatchObject({ ok: true, value: { path: dir, home: dir, folders: [{ name: 'exports', path: path.join(dir, 'exports'), hidden: false }] } });
    const missing = await dispatch(service.handlers, 'folders:list', { path: path.join(dir, 'missing') });
    expect(missing).toEqual({ ok: false, error: { code: 'not-found', message: `There is no folder ${path.join(dir, 'missing')}.` } });
  });

  it('refuses relative paths, control characters and overlong paths at the door', async () => {
    for (const bad of ['exports', '../../etc', '~/exports', '', `/tmp/\u0000x`, `/${'a'.repeat(5000)}`, 42]) {
      expect(await dispatch(service.handlers, 'folders:list', { path: bad }), String(bad).slice(0, 20)).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    }
    expect(await dispatch(service.handlers, 'folders:list', { path: dir, extra: 1 })).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
  });
});
