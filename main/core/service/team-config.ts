// The team database this paydesk was told to use, remembered next to this computer's database file
// (team-database.json, 0600): its URL without the password, and in the desktop app the password as the OS
// keychain encrypted it (Electron's safeStorage, handed in as Secrets). Browser mode keeps no password at all:
// node-postgres reads PGPASSWORD or ~/.pgpass from the environment of `paydesk serve`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isPostgresUrl, splitPassword as splitUrlPassword } from '../store/postgres-url.js';
import { InvalidArgumentError } from './dispatch.js';

export const TEAM_CONFIG_FILE = 'team-database.json';

/** The OS keychain's encryption (Electron's safeStorage in the desktop app); core code never imports electron. */
export interface Secrets {
  available(): boolean;
  encrypt(text: string): Buffer;
  decrypt(data: Buffer): string;
}

export interface TeamChoice {
  /** postgres://user@host:port/db?sslmode=…, without a password. */
  url: string;
  password: string | null;
}

interface StoredChoice {
  url: string;
  /** base64 of what Secrets.encrypt made of the password. */
  encryptedPassword?: string;
}

/** A URL's password (in the user part, or libpq's `password=` parameter) taken out of it. */
export function splitPassword(url: string): TeamChoice {
  try {
    return splitUrlPassword(url);
  } catch {
    throw new TeamConfigError('not a URL paydesk can read: postgres://user@host:5432/database');
  }
}

/** The URL to connect with: the password back in it (kept in memory only, never shown). */
export function connectionTarget(choice: TeamChoice): string {
  if (choice.password === null) return choice.url;
  const parsed = new URL(choice.url);
  parsed.password = encodeURIComponent(choice.password);
  return parsed.toString();
}

/** Two URLs name the same database, whatever their passwords. */
export function sameDatabase(a: string, b: string): boolean {
  try {
    return splitPassword(a).url === splitPassword(b).url;
  } catch {
    return false;
  }
}

/** The remembered choice; null when there is none (this computer's database). */
export function readTeamChoice(file: string, secrets: Secrets | undefined, log?: (line: string) => void): TeamChoice | null {
  let stored: StoredChoice;
  try {
    stored = JSON.parse(fs.readFileSync(file, 'utf8')) as StoredChoice;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log?.(`${path.basename(file)} cannot be read (${(error as Error).message}): using this computer's database`);
    return null;
  }
  if (typeof stored?.url !== 'string' || !isPostgresUrl(stored.url)) {
    log?.(`${path.basename(file)} names no team database: using this computer's database`);
    return null;
  }
  const { url } = splitPassword(stored.url); // a hand-edited file may carry one: it is not used from there
  let password: string | null = null;
  if (typeof stored.encryptedPassword === 'string') {
    if (secrets?.available()) {
      try {
        password = secrets.decrypt(Buffer.from(stored.encryptedPassword, 'base64'));
      } catch {
        log?.("the team database's password could not be decrypted with this computer's keychain: enter it again in Settings");
      }
    } else log?.("the team database's password needs this computer's keychain, which is not available");
  }
  return { url, password };
}

/** Remembers the choice; a password only ever encrypted by the keychain. */
export function saveTeamChoice(file: string, choice: TeamChoice, secrets: Secrets | undefined): void {
  const stored: StoredChoice = { url: splitPassword(choice.url).url };
  if (choice.password !== null) {
    if (!secrets?.available()) throw new TeamConfigError(NO_KEYCHAIN);
    stored.encryptedPassword = secrets.encrypt(choice.password).toString('base64');
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(stored, null, 2) + os.EOL, { mode: 0o600 });
  fs.chmodSync(temp, 0o600); // an existing temp file keeps its mode through writeFileSync
  fs.renameSync(temp, file);
}

export function forgetTeamChoice(file: string): void {
  fs.rmSync(file, { force: true });
}

/** Whether node-postgres will find a password in this process's environment (browser mode). */
export function environmentHasPassword(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): boolean {
  if (env.PGPASSWORD) return true;
  const pgpass = env.PGPASSFILE ?? (process.platform === 'win32' ? path.join(env.APPDATA ?? home, 'postgresql', 'pgpass.conf') : path.join(home, '.pgpass'));
  return fs.existsSync(pgpass);
}

export const NO_KEYCHAIN =
  "this computer has no keychain paydesk can keep the password in, so it is not saved: give it through ~/.pgpass (or PGPASSWORD) instead and leave the password empty";
export const BROWSER_MODE_PASSWORD =
  'browser mode takes no password: set PGPASSWORD (or a ~/.pgpass line) in the environment of `paydesk serve`, and give the URL without it';

/** A team database choice that cannot be taken as given (its message never holds the password). */
export class TeamConfigError extends InvalidArgumentError {}
