// The database this paydesk works on, and the service over it, as one holder both transports call: Settings →
// Team database switches the running app between this computer's file and a team database (team:use,
// team:leave) without the transports noticing. A remembered team database that cannot be reached at start
// stays the choice: calls answer 'unavailable' with one line while it is retried in the background, so no one
// decides into this computer's database believing it is the team's.
import fs from 'node:fs';
import path from 'node:path';
import { API_METHODS, DATA_TABLES, type AllHandlers, type ApiMethod, type AppInfo, type TeamStatus, type TeamTestResult } from '../../../shared/api.js';
import { openStore as openAnyStore } from '../store/open-store.js';
import { refusalOf, StoreUnavailableError, type Store } from '../store/store.js';
import { BusyError } from './dispatch.js';
import { EventHub } from './events.js';
import { createService as createAnyService, type Service, type ServiceDeps } from './index.js';
import { probeTeamDatabase } from './team-probe.js';
import {
  BROWSER_MODE_PASSWORD,
  connectionTarget,
  environmentHasPassword,
  forgetTeamChoice,
  NO_KEYCHAIN,
  readTeamChoice,
  sameDatabase,
  saveTeamChoice,
  splitPassword,
  TEAM_CONFIG_FILE,
  TeamConfigError,
  type Secrets,
  type TeamChoice,
} from './team-config.js';

export interface ServiceHostOptions {
  /** This computer's database file (created when missing). */
  localDbFile: string;
  /** Where the team choice is remembered; team-database.json next to the local file when not given. */
  configFile?: string;
  /** A team database named on the command line (`serve --db postgres://…`): used instead of the remembered one. */
  commandLineTarget?: string;
  /** The OS keychain (desktop app). Without it (browser mode) a password only comes from the environment. */
  secrets?: Secrets;
  service: Omit<ServiceDeps, 'dbFile'>;
  /** Waits between attempts to reach a team database that could not be reached at start. */
  retryMs?: readonly number[];
  openStore?: (target: string) => Promise<Store>;
  createService?: (store: Store, deps: ServiceDeps) => Service;
}

interface Opened {
  store: Store;
  /** This computer's database, for its own settings, while `store` is a team database. */
  machine?: Store;
  service: Service;
  /** Why decisions and syncs are refused here; null when they are not. */
  readOnlyReason: string | null;
  stopForwarding: () => void;
}

type Wanted = { kind: 'local' } | { kind: 'team'; choice: TeamChoice };

const RETRY_MS = [2000, 5000, 10_000, 30_000];
const ALL_TABLES = [...DATA_TABLES];

export class ServiceHost implements Service {
  readonly events = new EventHub();
  readonly handlers: AllHandlers;
  private opened: Opened | null = null;
  private wanted: Wanted = { kind: 'local' };
  private problem: string | null = null;
  /** Switches, retries and closing, one at a time. */
  private serial: Promise<unknown> = Promise.resolve();
  private retry: NodeJS.Timeout | undefined;
  private failures = 0;
  private closed = false;
  private readonly configFile: string;
  private readonly log: (line: string) => void;

  private constructor(private readonly options: ServiceHostOptions) {
    this.configFile = options.configFile ?? path.join(path.dirname(options.localDbFile), TEAM_CONFIG_FILE);
    this.log = options.service.log ?? (() => {});
    const forwarded = Object.fromEntries(API_METHODS.map((method) => [method, (args: unknown) => this.call(method, args)]));
    this.handlers = {
      ...(forwarded as AllHandlers),
      'app:info': () => this.info(),
      'team:test': ({ url, password }) => this.test(url, password),
      'team:use': ({ url, password }) => this.use(url, password),
      'team:leave': () => this.leave(),
      'team:status': () => this.status(),
    };
  }

  /** Opens the team database the command line or the remembered choice names, else this computer's. */
  static async start(options: ServiceHostOptions): Promise<ServiceHost> {
    const host = new ServiceHost(options);
    const choice = options.commandLineTarget ? splitPassword(options.commandLineTarget) : readTeamChoice(host.configFile, options.secrets, host.log);
    if (!choice) {
      await host.install(await host.open({ kind: 'local' }));
      return host;
    }
    host.wanted = { kind: 'team', choice };
    try {
      await host.install(await host.open(host.wanted));
    } catch (error) {
      host.unreachable(error);
    }
    return host;
  }

  /** The database in use, or null while a team database is being retried. */
  get store(): Store | null {
    return this.opened?.store ?? null;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.serially(async () => {
      const opened = this.opened;
      this.opened = null;
      if (opened) await this.shut(opened);
    });
  }

  private async call(method: ApiMethod, args: unknown): Promise<unknown> {
    if (this.opened) await this.serial.catch(() => {}); // a switch under way finishes first
    const opened = this.opened;
    if (!opened) throw new StoreUnavailableError(this.problem ?? 'paydesk is closing');
    try {
      // Only a probe (team:status) says the server is back: some methods answer without asking the database.
      return await (opened.service.handlers[method] as (a: unknown) => unknown)(args);
    } catch (error) {
      if (error instanceof StoreUnavailableError && this.opened === opened) this.problem = error.message;
      throw error;
    }
  }

  private async info(): Promise<AppInfo> {
    await this.serial.catch(() => {});
    const database = this.database();
    const deps = this.options.service;
    const base: AppInfo = this.opened
      ? await this.opened.service.handlers['app:info']({})
      : { version: deps.version, mode: deps.mode, dbFile: '', canPickFolder: deps.pickFolder !== undefined, defaultReviewer: deps.defaultReviewer, database };
    // The service knows its target as it connects, which may hold the password: only the shown form leaves.
    return { ...base, dbFile: database.location, database };
  }

  private database(): TeamStatus['database'] {
    if (this.opened) return { kind: this.opened.store.kind, location: this.opened.store.location };
    return this.wanted.kind === 'team' ? { kind: 'team', location: this.wanted.choice.url } : { kind: 'local', location: this.options.localDbFile };
  }

  private async status(): Promise<TeamStatus> {
    await this.serial.catch(() => {});
    const opened = this.opened;
    // The screens ask every few seconds on a team database: that notices a server gone away, and is the retry
    // that tells when it is back.
    if (opened?.store.kind === 'team') {
      await opened.store.value('SELECT 1').then(
        () => this.recovered(opened),
        (error: unknown) => {
          if (this.opened === opened) this.problem = (error as Error).message;
        },
      );
    }
    const secrets = this.options.secrets;
    return {
      database: this.database(),
      configuredUrl: this.wanted.kind === 'team' ? this.wanted.choice.url : null,
      passwordStored: secrets ? this.wanted.kind === 'team' && this.wanted.choice.password !== null : environmentHasPassword(),
      passwordFrom: secrets ? 'keychain' : 'environment',
      readOnly: (this.opened?.readOnlyReason ?? null) !== null,
      readOnlyReason: this.opened?.readOnlyReason ?? null,
      problem: this.problem,
    };
  }

  private async test(url: string, password: string | undefined): Promise<TeamTestResult> {
    let choice: TeamChoice;
    try {
      choice = this.choiceOf(url, password);
    } catch (error) {
      return { ok: false, message: (error as Error).message };
    }
    const result = await probeTeamDatabase(connectionTarget(choice), choice.url);
    return { ...result, message: scrub(result.message, choice.password) };
  }

  private async use(url: string, password: string | undefined): Promise<TeamStatus> {
    const choice = this.choiceOf(url, password);
    if (choice.password !== null && !this.options.secrets?.available()) throw new TeamConfigError(NO_KEYCHAIN);
    return this.switchTo({ kind: 'team', choice }, () => saveTeamChoice(this.configFile, choice, this.options.secrets));
  }

  private leave(): Promise<TeamStatus> {
    return this.switchTo({ kind: 'local' }, () => forgetTeamChoice(this.configFile));
  }

  /** The URL without its password, and the password from the form, the URL, or the keychain for the same database. */
  private choiceOf(url: string, password: string | undefined): TeamChoice {
    const split = splitPassword(url);
    const given = password || split.password;
    if (!this.options.secrets && given) throw new TeamConfigError(BROWSER_MODE_PASSWORD);
    const remembered = this.wanted.kind === 'team' && sameDatabase(this.wanted.choice.url, split.url) ? this.wanted.choice.password : null;
    return { url: split.url, password: given || remembered };
  }

  private async switchTo(wanted: Wanted, remember: () => void): Promise<TeamStatus> {
    const syncing = async () => this.opened !== null && (await this.opened.service.handlers['sync:status']({})).running;
    const busy = () => new BusyError('a sync is running: let it finish, or cancel it, before changing the database');
    if (await syncing()) throw busy();
    const password = wanted.kind === 'team' ? wanted.choice.password : null;
    let next: Opened;
    try {
      next = await this.open(wanted); // the database in use stays, and answers, until the new one is open
    } catch (error) {
      throw scrubbed(error, password);
    }
    await this.serially(async () => {
      if (this.closed || (await syncing())) {
        await this.shut(next);
        throw this.closed ? new StoreUnavailableError('paydesk is closing') : busy();
      }
      try {
        remember();
      } catch (error) {
        await this.shut(next);
        throw scrubbed(error, password);
      }
      clearTimeout(this.retry);
      this.failures = 0;
      this.wanted = wanted;
      this.problem = null;
      const previous = this.opened;
      this.install(next);
      if (previous) await this.shut(previous);
      this.log(`now using ${next.store.kind === 'team' ? `the team database at ${next.store.location}` : "this computer's database"}`);
      this.events.emit('data:changed', { tables: ALL_TABLES });
    });
    return this.status();
  }

  private async open(wanted: Wanted): Promise<Opened> {
    const target = wanted.kind === 'team' ? connectionTarget(wanted.choice) : this.localFile();
    const store = await (this.options.openStore ?? openAnyStore)(target);
    let machine: Store | undefined;
    try {
      const readOnlyReason = store.kind === 'team' && !(await store.canWrite()) ? refusalOf(store) : null;
      // On a team database, this computer's settings (whose name decisions carry, its folders) stay in its own.
      if (store.kind === 'team') machine = await (this.options.openStore ?? openAnyStore)(this.localFile());
      const service = (this.options.createService ?? createAnyService)(store, { ...this.options.service, dbFile: target, machine });
      return { store, machine, service, readOnlyReason, stopForwarding: () => {} };
    } catch (error) {
      await machine?.close();
      await store.close();
      throw error;
    }
  }

  private localFile(): string {
    fs.mkdirSync(path.dirname(this.options.localDbFile), { recursive: true });
    return this.options.localDbFile;
  }

  private install(next: Opened): void {
    next.stopForwarding = next.service.events.subscribe((event) => this.events.emit(event.name, event.payload));
    this.opened = next;
  }

  private async shut(opened: Opened): Promise<void> {
    opened.stopForwarding();
    await opened.service.close().catch((error: unknown) => this.log(`closing the service: ${(error as Error).message}`));
    await opened.store.close().catch((error: unknown) => this.log(`closing the database: ${(error as Error).message}`));
    await opened.machine?.close().catch((error: unknown) => this.log(`closing this computer's database: ${(error as Error).message}`));
  }

  /** The team database answers again: what other paydesks announced meanwhile was lost, so every screen reads again. */
  private recovered(opened: Opened): void {
    if (this.opened !== opened || this.problem === null) return;
    this.problem = null;
    this.log(`reached the team database at ${opened.store.location} again`);
    this.events.emit('data:changed', { tables: ALL_TABLES });
  }

  /** The remembered team database is not there: say so once, and try again later. */
  private unreachable(error: unknown): void {
    const wanted = this.wanted;
    if (wanted.kind !== 'team') return;
    this.problem = scrub((error as Error).message, wanted.choice.password);
    if (this.failures === 0) this.log(`${this.problem}; retrying in the background`);
    const wait = (this.options.retryMs ?? RETRY_MS)[Math.min(this.failures++, (this.options.retryMs ?? RETRY_MS).length - 1)];
    this.retry = setTimeout(() => void this.reconnect(wanted), wait);
    this.retry.unref?.();
  }

  private reconnect(wanted: Wanted): Promise<void> {
    return this.serially(async () => {
      if (this.closed || this.wanted !== wanted || this.opened) return;
      let next: Opened;
      try {
        next = await this.open(wanted);
      } catch (error) {
        this.unreachable(error);
        return;
      }
      if (this.closed || this.wanted !== wanted) return void (await this.shut(next));
      this.failures = 0;
      this.problem = null;
      this.install(next);
      this.log(`reached the team database at ${next.store.location}`);
      this.events.emit('data:changed', { tables: ALL_TABLES });
    });
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.serial.catch(() => {}).then(work);
    this.serial = run;
    return run;
  }
}

/** A message with the password taken out, whatever put it there. */
function scrub(message: string, password: string | null): string {
  if (!password) return message;
  let clean = message;
  for (const form of new Set([password, encodeURIComponent(password)])) clean = clean.split(form).join('***');
  return clean;
}

function scrubbed(error: unknown, password: string | null): unknown {
  if (error instanceof Error) error.message = scrub(error.message, password);
  return error;
}
