// On a team database each computer keeps its own reviewer name, folders and notifications (its own database),
// while the rules' thresholds are the team's: one agent's name never signs another agent's decisions.
import { afterEach, describe, expect, it } from 'vitest';
import { readSettings, writeSettings } from '../../main/core/settings.js';
import { SqliteStore } from '../../main/core/store/sqlite-store.js';
import { tempDir } from '../support/db.js';
import { freshStore, type FreshStore } from '../support/stores.js';
import path from 'node:path';

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (opened.length) await opened.pop()!.close();
});

const computer = () => {
  const store = SqliteStore.open(path.join(tempDir(), 'paydesk.db'));
  opened.push(store);
  return store;
};

describe('settings on a team database', () => {
  it("keeps each computer's own settings in its own database and shares the rules", async () => {
    const team: FreshStore = await freshStore('postgres');
    opened.push(team);
    const [ana, ben] = [computer(), computer()];

    await writeSettings(team.store, { reviewerName: 'Ana', exportFolders: ['/home/ana/exports'], stuckAfterMinutes: 30 }, ana);
    await writeSettings(team.store, { reviewerName: 'Ben', autoSync: false }, ben);

    expect(await readSettings(team.store, ana)).toMatchObject({ reviewerName: 'Ana', exportFolders: ['/home/ana/exports'], autoSync: true, stuckAfterMinutes: 30 });
    expect(await readSettings(team.store, ben)).toMatchObject({ reviewerName: 'Ben', exportFolders: [], autoSync: false, stuckAfterMinutes: 30 });
    expect(await team.store.column('SELECT key FROM settings ORDER BY key')).toEqual(['stuckAfterMinutes']);
    // No computer's settings at all (the command line on a team database): the defaults.
    expect((await readSettings(team.store, null)).reviewerName).toBe('');
  });

  it('keeps all settings in the one database of a computer working alone', async () => {
    const alone = computer();
    await writeSettings(alone, { reviewerName: 'Ana', stuckAfterMinutes: 30 });
    expect(await alone.column('SELECT key FROM settings ORDER BY key')).toEqual(['reviewerName', 'stuckAfterMinutes']);
    expect(await readSettings(alone)).toMatchObject({ reviewerName: 'Ana', stuckAfterMinutes: 30 });
  });
});
