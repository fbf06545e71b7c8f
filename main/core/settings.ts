// User settings, stored as JSON values by key. Flag thresholds default to rules.md's values.
import { DEFAULT_FLAG_SETTINGS, type FlagSettings } from '../../shared/domain.js';
import type { Store } from './store/store.js';

export interface Settings extends FlagSettings {
  /** Who review decisions are recorded as; empty means the OS user name. */
  reviewerName: string;
  /** A fixed "as of" (ISO 8601), or null for the newest timestamp in the data. */
  asOf: string | null;
  maxRejectedRows: number;
  exportFolders: string[];
  autoSync: boolean;
  /** A desktop notification when an auto-sync finds new flags. */
  notifyNewFlags: boolean;
}

export const DEFAULT_SETTINGS: Settings = {
  ...DEFAULT_FLAG_SETTINGS,
  reviewerName: '',
  asOf: null,
  maxRejectedRows: 1000,
  exportFolders: [],
  autoSync: true,
  notifyNewFlags: true,
};

/**
 * What belongs to one computer rather than to the team: whose name its decisions carry, which folders it syncs,
 * and its notifications. They are kept in this computer's database, also while the data is a team database's,
 * so one agent's name never signs another's decisions. Everything else (the rules' thresholds, the as-of) is
 * the data's, shared by everyone who reads the same lists.
 */
export const MACHINE_SETTINGS: readonly (keyof Settings)[] = ['reviewerName', 'exportFolders', 'autoSync', 'notifyNewFlags'];
const isMachineSetting = (key: string) => (MACHINE_SETTINGS as readonly string[]).includes(key);

async function storedSettings(db: Store, wanted: (key: string) => boolean): Promise<Partial<Settings>> {
  const rows = await db.all<{ key: string; value: string }>('SELECT key, value FROM settings');
  return Object.fromEntries(rows.filter((row) => row.key in DEFAULT_SETTINGS && wanted(row.key)).map((row) => [row.key, JSON.parse(row.value)]));
}

/** The settings: the data's from `db`, this computer's from `machine` (the same store on a local database; none: the defaults). */
export async function readSettings(db: Store, machine: Store | null = db): Promise<Settings> {
  const shared = await storedSettings(db, (key) => !isMachineSetting(key));
  const own = machine ? await storedSettings(machine, isMachineSetting) : {};
  return { ...DEFAULT_SETTINGS, ...shared, ...own };
}

export async function writeSettings(db: Store, changes: Partial<Settings>, machine: Store | null = db): Promise<Settings> {
  const write = (store: Store, entries: [string, unknown][]) =>
    store.write(async () => {
      for (const [key, value] of entries) {
        await store.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, JSON.stringify(value)]);
      }
    });
  const entries = Object.entries(changes).filter(([key, value]) => key in DEFAULT_SETTINGS && value !== undefined);
  if (machine === db) {
    await write(db, entries);
  } else {
    await write(db, entries.filter(([key]) => !isMachineSetting(key)));
    if (machine) await write(machine, entries.filter(([key]) => isMachineSetting(key)));
  }
  return readSettings(db, machine);
}

export function flagSettingsOf(settings: Settings): FlagSettings {
  const { stuckAfterMinutes, duplicateWindowMinutes, lookbackDays, tierThresholdCents, bankDebitStuckAfterMinutes, methodStuckAfterMinutes } = settings;
  return { stuckAfterMinutes, duplicateWindowMinutes, lookbackDays, tierThresholdCents, bankDebitStuckAfterMinutes, methodStuckAfterMinutes: { ...methodStuckAfterMinutes } };
}
