// The service: the API contract implemented over one database. Both transports (Electron IPC and browser
// mode's HTTP) call these handlers through dispatch(); imports run in the import worker.
import os from 'node:os';
import path from 'node:path';
import { DATA_TABLES, type AccountMatch, type AppSettings, type DataTable, type Handlers, type ImportReportDetail, type ImportSummary } from '../../../shared/api.js';
import type { FlagKind, ImportStatus } from '../../../shared/domain.js';
import { accountEmail, accountEmails, accountView, resolveAccountId } from '../account.js';
import { refusalOf, type Store, type StoreChange } from '../store/store.js';
import { flagRows, FOLLOWUP_EXPORT_COLUMNS, followupRows, reviewRows, REVIEW_EXPORT_COLUMNS, toCsv } from '../export-csv.js';
import {
  duplicateItem,
  duplicatesPage,
  type ListQuery,
  flagListsContext,
  flagListTotals,
  limitedItem,
  limitedPage,
  mismatchesPage,
  mismatchItem,
  stuckItem,
  stuckPage,
} from '../flag-lists/pages.js';
import { listFollowups } from '../followups.js';
import { flagListsFresh } from '../flag-lists/refresh.js';
import { computeFlags } from '../flags/index.js';
import { LEDGER_FIELDS, PAYMENT_FIELDS, REQUIRED_LEDGER_FIELDS, REQUIRED_PAYMENT_FIELDS } from '../import/formats/canonical.js';
import { readExportHeader } from '../import/read-header.js';
import { deleteMapping, listMappings, saveMapping } from '../mappings.js';
import { applyReviewDecision, listReviews, reviewsByKey } from '../reviews.js';
import { flagSettingsOf, MACHINE_SETTINGS, readSettings, writeSettings } from '../settings.js';
import { checkExportFolders, checkSyncPaths } from './chosen-paths.js';
import { buildEvidence, NotFoundError } from './evidence.js';
import { EventHub } from './events.js';
import { listFolders } from './folders.js';
import { FolderWatch } from './folder-watch.js';
import { ListsRebuild } from './lists-rebuild.js';
import { NewFlagsTracker } from './new-flags.js';
import { limitedExplanation } from './replies.js';
import { SyncRunner } from './sync-runner.js';

export interface ServiceDeps {
  dbFile: string;
  /**
   * This computer's database, for this computer's own settings (MACHINE_SETTINGS: reviewer name, folders)
   * while the data is a team database's. Default: the store itself.
   */
  machine?: Store;
  mode: 'desktop' | 'browser';
  version: string;
  /** Who decisions are recorded as when Settings names nobody (the OS user). */
  defaultReviewer: string;
  /** The native folder picker (desktop only). */
  pickFolder?: () => Promise<string | null>;
  /** Where the Browse dialog (folders:list) starts; the OS user's home folder when not given. */
  homeDir?: string;
  /** Where the compiled import worker is (tests and packaged builds may move it). */
  workerFile?: string;
  log?: (line: string) => void;
}

export interface Service {
  handlers: Handlers;
  events: EventHub;
  close(): Promise<void>;
}

interface ImportRow {
  id: number; path: string; format: string | null; status: ImportStatus; reason: string | null; header: string | null; rows: number;
  inserted: number; updated: number; unchanged: number; ignored: number; rejected: number; conflicts: number; started_at: number; duration_ms: number;
  test_mode_rows: number;
}

const toSummary = (r: ImportRow): ImportSummary => ({
  importId: r.id, path: r.path, format: r.format, status: r.status, reason: r.reason, rows: r.rows, inserted: r.inserted, updated: r.updated,
  unchanged: r.unchanged, ignored: r.ignored, rejected: r.rejected, conflicts: r.conflicts, startedAt: new Date(r.started_at).toISOString(),
  durationMs: r.duration_ms, testModeRows: r.test_mode_rows,
});

export function createService(db: Store, deps: ServiceDeps): Service {
  const events = new EventHub();
  const workerFile = deps.workerFile ?? path.join(__dirname, '..', 'import-worker.js');
  const machine = deps.machine ?? db;
  const settings = async () => (await readSettings(db, machine)) as AppSettings;
  const emailOf = (accountId: string) => accountEmail(db, accountId);

  let syncAgain = false;
  // Rows a sync added to the lists, as a 'flags:new' event (the desktop notification, browser mode's toast).
  const newFlags = new NewFlagsTracker(db, (flags) => events.emit('flags:new', flags), deps.log);
  const runner = new SyncRunner(
    events,
    (finished) => {
      deps.log?.(`sync ${finished.canceled ? 'canceled' : 'finished'}: ${finished.reports.length} files${finished.error ? `; ${finished.error}` : ''}`);
      void newFlags.finished().then(() => {
        if (syncAgain) {
          syncAgain = false;
          void startSync(undefined, true);
        }
      });
    },
    workerFile,
  );
  // The sync rebuilds the flag lists at its end. After a change of thresholds, or an import by another process,
  // a read finds them stale and has them rebuilt in a worker, answering from the old lists meanwhile; a
  // "flags" change tells the screens to read again. Never during a sync: it holds the write lock, and a sync
  // that starts stops a rebuild.
  const rebuild = new ListsRebuild({ dbFile: deps.dbFile }, path.join(path.dirname(workerFile), 'lists-worker.js'), ({ rebuilt, error }) => {
    if (error) deps.log?.(`flag lists: ${error}`);
    if (rebuilt) events.emit('data:changed', { tables: ['flags'] });
  });
  // A viewer (read-only team database user) reads the lists as the writers last built them.
  const lists = async () => {
    if (!runner.running && (await db.canWrite()) && !(await flagListsFresh(db))) rebuild.start();
  };

  const startSync = async (paths: string[] | undefined, auto = false) => {
    // Said, not thrown: an auto-sync of a viewer's folders must not fail, and the screen shows the reason.
    if (!(await db.canWrite())) return { started: false, reason: refusalOf(db) };
    const s = await settings();
    const targets = paths ?? s.exportFolders;
    const busy = { started: false, reason: 'A sync is already running.' };
    if (targets.length === 0) return { started: false, reason: 'No exports folder yet: add one, or choose files to import.' };
    if (runner.running) return busy;
    await rebuild.stop(); // the sync needs the write lock, and rebuilds the lists at its end anyway
    if (runner.running) return busy;
    await newFlags.started(auto);
    if (runner.running) return busy;
    runner.start({ dbFile: deps.dbFile, paths: targets, maxRejectedRows: s.maxRejectedRows });
    return { started: true, reason: null };
  };
  const watch = new FolderWatch(() => {
    void settings().then((s) => {
      if (!s.autoSync) return;
      if (runner.running) syncAgain = true;
      else void startSync(undefined, true);
    }, (error: unknown) => deps.log?.(`auto-sync: ${(error as Error).message}`));
  });
  const rewatch = async () => {
    const s = await settings();
    if (s.autoSync) watch.watch(s.exportFolders);
    else watch.close();
  };
  void rewatch().catch((error: unknown) => deps.log?.(`watching the exports folders: ${(error as Error).message}`));

  const handlers: Handlers = {
    'app:info': () => ({
      version: deps.version, mode: deps.mode, dbFile: deps.dbFile, canPickFolder: deps.pickFolder !== undefined, defaultReviewer: deps.defaultReviewer,
      database: { kind: db.kind, location: db.location },
    }),
    'sync:start': async ({ paths }) => startSync(paths && checkSyncPaths(paths, (await settings()).exportFolders)),
    'sync:cancel': () => ({ canceled: runner.cancel() }),
    'sync:status': () => runner.state(),
    'imports:list': async ({ limit }) => ((await db.all('SELECT * FROM imports ORDER BY id DESC LIMIT ?', [limit])) as ImportRow[]).map(toSummary),
    'imports:report': async ({ importId }): Promise<ImportReportDetail> => {
      const row = (await db.get('SELECT * FROM imports WHERE id = ?', [importId])) as ImportRow | undefined;
      if (!row) throw new NotFoundError(`no import ${importId}`);
      const errors = (await db.all('SELECT line, reason, raw FROM rejected_rows WHERE import_id = ? ORDER BY line LIMIT 1000', [importId])) as ImportReportDetail['errors'];
      const conflicts = (
        (await db.all('SELECT entry_id, line, stored, incoming FROM ledger_conflicts WHERE import_id = ? ORDER BY line LIMIT 1000', [importId])) as {
          entry_id: string; line: number; stored: string; incoming: string;
        }[]
      ).map((c) => ({ entryId: c.entry_id, line: c.line, stored: c.stored, incoming: c.incoming }));
      let header: string[] | null = null;
      if (row.status === 'unrecognised') {
        header = await readExportHeader(row.path).then((h) => [...h.names]).catch(() => (row.header ? row.header.split(',') : null));
      }
      return {
        summary: toSummary(row), errors, conflicts, header,
        mappingFields: { payments: PAYMENT_FIELDS, ledger: LEDGER_FIELDS, requiredPayments: REQUIRED_PAYMENT_FIELDS, requiredLedger: REQUIRED_LEDGER_FIELDS },
      };
    },
    'stuck:listPage': async (query) => {
      await lists();
      return stuckPage(db, query);
    },
    'duplicates:listPage': async (query) => {
      await lists();
      return duplicatesPage(db, query);
    },
    'limited:listPage': async (query) => {
      await lists();
      return limitedPage(db, query, limitedExplanation);
    },
    'mismatches:listPage': async (query) => {
      await lists();
      return mismatchesPage(db, query);
    },
    'followups:list': async ({ accountId }) => {
      const rules = flagSettingsOf(await settings());
      return db.read(async () => {
        const followups = await listFollowups(db, rules, { accountId });
        const emails = await accountEmails(db, followups.flatMap((f) => (f.accountId === null ? [] : [f.accountId])));
        const withEmails = followups.map((f) => ({ ...f, email: f.accountId === null ? null : (emails.get(f.accountId) ?? null) }));
        return { followups: withEmails, asOf: (await flagListsContext(db)).asOf };
      });
    },
    'flags:counts': async ({ settings: proposed, asOf }) => {
      const s = await settings();
      const followups = async () => (await listFollowups(db, proposed ?? flagSettingsOf(s))).length;
      if (!proposed && asOf === undefined) {
        await lists();
        return db.read(async () => ({ asOf: (await flagListsContext(db)).asOf, ...(await flagListTotals(db)), followups: await followups() }));
      }
      const result = await computeFlags(db, { settings: proposed ?? flagSettingsOf(s), asOf: asOf === undefined ? s.asOf : asOf });
      return {
        asOf: result.asOf,
        stuck: result.stuck?.length ?? 0,
        duplicates: result.duplicates?.length ?? 0,
        duplicatesWhilePending: result.duplicates?.filter((d) => d.whilePending).length ?? 0,
        limited: result.limited?.length ?? 0,
        mismatches: result.mismatches?.length ?? 0,
        followups: await followups(),
      };
    },
    'flags:evidence': async ({ kind, key }) => {
      await lists();
      return db.read(async () => {
        const context = await flagListsContext(db);
        const flagged =
          kind === 'stuck'
            ? await stuckItem(db, key)
            : kind === 'duplicates'
              ? await duplicateItem(db, key)
              : kind === 'limited'
                ? await limitedItem(db, key)
                : await mismatchItem(db, key);
        const review = (await reviewsByKey(db, kind)).get(key) ?? null;
        return buildEvidence(db, { ...context, [kind]: flagged ? [flagged] : [] }, kind, key, review);
      });
    },
    'account:search': async ({ term }): Promise<AccountMatch | null> => {
      const value = term.trim();
      const accountId = await resolveAccountId(db, value);
      if (accountId === undefined) return null;
      const matchedBy = accountId === value ? 'account' : value.includes('@') ? 'email' : 'payment';
      return { accountId, email: await emailOf(accountId), matchedBy };
    },
    'account:get': async ({ accountId }) => {
      const exists = await db.get('SELECT 1 FROM payments WHERE account_id = @a UNION ALL SELECT 1 FROM ledger_entries WHERE account_id = @a LIMIT 1', { a: accountId });
      if (!exists) throw new NotFoundError(`no account ${accountId}`);
      const s = await settings();
      return accountView(db, accountId, flagSettingsOf(s), s.asOf);
    },
    'reviews:decide': async ({ kind, keys, decision, note }) => {
      const reviewer = (await settings()).reviewerName || deps.defaultReviewer;
      const decidedAt = Date.now();
      await db.write(async () => {
        for (const key of keys) await applyReviewDecision(db, { kind, key, decision, note, reviewer, decidedAt }, 'user');
        await db.announce({ tables: ['reviews'], reviewer, decisions: keys.length });
      });
      events.emit('data:changed', { tables: ['reviews'] });
      const wanted = new Set(keys);
      return { reviews: (await listReviews(db, { kind })).filter((r) => wanted.has(r.key)) };
    },
    'reviews:list': ({ kind }) => listReviews(db, { kind }),
    'settings:get': () => settings(),
    'settings:update': async (changes) => {
      if (changes.exportFolders) checkExportFolders(changes.exportFolders);
      const updated = (await writeSettings(db, changes, machine)) as AppSettings;
      if (Object.keys(changes).some((key) => !(MACHINE_SETTINGS as readonly string[]).includes(key))) await db.announce({ tables: ['settings'] });
      if ('exportFolders' in changes || 'autoSync' in changes) await rewatch();
      await lists(); // new thresholds: start the rebuild now rather than at the next read
      events.emit('data:changed', { tables: ['settings'] });
      return updated;
    },
    'export:csv': async ({ list, filter, sort }) => {
      const date = new Date().toISOString().slice(0, 10);
      if (list === 'reviews') {
        const rows = reviewRows(await listReviews(db));
        return { fileName: `paydesk-reviews-${date}.csv`, csv: toCsv(rows, REVIEW_EXPORT_COLUMNS), rows: rows.length };
      }
      if (list === 'followups') {
        const rows = followupRows(await listFollowups(db, flagSettingsOf(await settings())));
        return { fileName: `paydesk-followups-${date}.csv`, csv: toCsv(rows, FOLLOWUP_EXPORT_COLUMNS), rows: rows.length };
      }
      await lists();
      const query = { filter, sort, offset: 0, limit: null } as ListQuery<never>;
      const kind: FlagKind = list;
      const { columns, rows } = await db.read(async () => {
        const selected =
          kind === 'stuck'
            ? (await stuckPage(db, query)).rows
            : kind === 'duplicates'
              ? (await duplicatesPage(db, query)).rows
              : kind === 'limited'
                ? (await limitedPage(db, query, limitedExplanation)).rows
                : (await mismatchesPage(db, query)).rows;
        return flagRows(kind, { ...(await flagListsContext(db)), [kind]: selected }, await reviewsByKey(db, kind));
      });
      return { fileName: `paydesk-${kind}-${date}.csv`, csv: toCsv(rows, columns), rows: rows.length };
    },
    'mappings:list': async () => (await listMappings(db)).map((m) => ({ id: m.id, kind: m.kind, header: m.header, fields: m.fields, createdAt: m.createdAt })),
    'mappings:save': async ({ importId, kind, fields }) => {
      const row = await db.get<{ path: string }>('SELECT path FROM imports WHERE id = ?', [importId]);
      if (!row) throw new NotFoundError(`no import ${importId}`);
      const header = await readExportHeader(row.path);
      const id = await saveMapping(db, { kind, headerNames: header.names, fields });
      await db.announce({ tables: ['mappings'] });
      events.emit('data:changed', { tables: ['mappings'] });
      return { id };
    },
    'mappings:delete': async ({ id }) => {
      const deleted = await deleteMapping(db, id);
      await db.announce({ tables: ['mappings'] });
      events.emit('data:changed', { tables: ['mappings'] });
      return { deleted };
    },
    'folders:pick': async () => ({ path: deps.pickFolder ? await deps.pickFolder() : null }),
    'folders:list': ({ path: folder }) => listFolders(folder, deps.homeDir ?? os.homedir()),
  };

  // What other paydesks on a team database change reaches this one's screens: the lists read again, and
  // "decisions by Ana arrived" in the sidebar.
  const tellScreens = (change: StoreChange) => {
    const tables = change.tables.filter((t): t is DataTable => (DATA_TABLES as readonly string[]).includes(t));
    if (tables.length > 0) events.emit('data:changed', { tables });
    if (change.decisions) events.emit('decisions:arrived', { reviewer: change.reviewer ?? null, decisions: change.decisions });
  };
  const listening = db.onChange(tellScreens, (error) => deps.log?.(`team database: ${error.message}; listening again`)).catch((error: unknown) => {
    deps.log?.(`team database: not listening for other paydesks' changes: ${(error as Error).message}`);
    return async () => {};
  });

  return {
    handlers,
    events,
    close: async () => {
      await (await listening)();
      watch.close();
      await Promise.all([runner.stop(), rebuild.stop()]);
    },
  };
}
