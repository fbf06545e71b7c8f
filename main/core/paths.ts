import os from 'node:os';
import path from 'node:path';

/** The per-user app data folder, as Electron's app.getPath('appData') names it on each OS. */
export function appDataDir(): string {
  if (process.platform === 'win32') return process.env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support');
  return process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config');
}

/** The database the desktop app and the CLI share; PAYDESK_DB overrides it. */
export function defaultDbPath(): string {
  return process.env.PAYDESK_DB ?? path.join(appDataDir(), 'paydesk', 'paydesk.db');
}
