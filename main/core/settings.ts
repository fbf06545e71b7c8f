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

export async function readSettings(db: Store): Promise<Settings> {
  const rows = (await db.all('SELECT key, value FROM settings')) as { key: string; value: string }[];
  const stored = Object.fromEntries(rows.filter((row) => row.key in DEFAULT_SETTINGS).map((row) => [row.key, JSON.parse(row.value)]));
  return { ...DEFAULT_SETTINGS, ...stored };
}

export async function writeSettings(db: Store, changes: Partial<Settings>): Promise<Settings> {
  await db.write(async () => {
    for (const [key, value] of Object.entries(changes)) {
      if (key in DEFAULT_SETTINGS && value !== undefined) {
        await db.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, JSON.stringify(value)]);
      }
    }
  });
  return readSettings(db);
}

export function flagSettingsOf(settings: Settings): FlagSettings {
  const { stuckAfterMinutes, duplicateWindowMinutes, lookbackDays, tierThresholdCents, bankDebitStuckAfterMinutes, methodStuckAfterMinutes } = settings;
  return { stuckAfterMinutes, duplicateWindowMinutes, lookbackDays, tierThresholdCents, bankDebitStuckAfterMinutes, methodStuckAfterMinutes: { ...methodStuckAfterMinutes } };
}
