// The service: the API contract implemented over one database. Both transports (Electron IPC and browser
// mode's HTTP) call these handlers through dispatch(); imports run in the import worker.
import os from 'node:os';
import path from 'node:path';
import type { AccountMatch, AppSettings, Handlers, ImportReportDetail, ImportSummary } from '../../../shared/api.js';
import type { FlagKind, ImportStatus } from '../../../shared/domain.js';
import { accountEmails, accountView, resolveAccountId } from '../account.js';
import type { Db } from '../db/open.js';
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
import { flagSettingsOf, readSettings, writeSettings } from '../settings.js';
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

export function createService(db: Db, deps: ServiceDeps): Service {
  const events = new EventHub();
  const workerFile = deps.workerFile ?? path.join(__dirname, '..', 'import-worker.js');
  const settings = () => readSettings(db) as AppSettings;
  const emailOf = accountEmails(db);

  let syncAgain = false;
  // Rows a sync added to the lists, as a 'flags:new' event (the desktop notification, browser mode's toast).
  const newFlags = new NewFlagsTracker(db, (flags) => events.emit('flags:new', flags), deps.log);
  const runner = new SyncRunner(
    events,
    (finished) => {
      deps.log?.(`sync ${finished.canceled ? 'canceled' : 'finished'}: ${finished.reports.length} files${finished.error ? `; ${finished.error}` : ''}`);
      newFlags.finished();
      if (syncAgain) {
        syncAgain = false;
        void startSync(undefined, true);
      }
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
  const lists = () => {
    if (!runner.running && !flagListsFresh(db)) rebuild.start();
  };

  const startSync = async (paths: string[] | undefined, auto = false) => {
    const s = settings();
    const targets = paths ?? s.exportFolders;
    const busy = { started: false, reason: 'A sync is already running.' };
    if (targets.length === 0) return { started: false, reason: 'No exports folder yet: add one, or choose files to import.' };
    if (runner.running) return busy;
    await rebuild.stop(); // the sync needs the write lock, and rebuilds the lists at its end anyway
    if (runner.running) return busy;
    newFlags.started(auto);
    runner.start({ dbFile: deps.dbFile, paths: targets, maxRejectedRows: s.maxRejectedRows });
    return { started: true, reason: null };
  };
  const watch = new FolderWatch(() => {
    if (!settings().autoSync) return;
    if (runner.running) syncAgain = true;
    else void startSync(undefined, true);
  });
  const rewatch = () => (settings().autoSync ? watch.watch(settings().exportFolders) : watch.close());
  rewatch();

  const handlers: Handlers = {
    'app:info': () => ({ version: deps.version, mode: deps.mode, dbFile: deps.dbFile, canPickFolder: deps.pickFolder !== undefined, defaultReviewer: deps.defaultReviewer }),
    'sync:start': ({ paths }) => startSync(paths && checkSyncPaths(paths, settings().exportFolders)),
    'sync:cancel': () => ({ canceled: runner.cancel() }),
    'sync:status': () => runner.state(),
    'imports:list': ({ limit }) => (db.prepare('SELECT * FROM imports ORDER BY id DESC LIMIT ?').all(limit) as ImportRow[]).map(toSummary),
    'imports:report': async ({ importId }): Promise<ImportReportDetail> => {
      const row = db.prepare('SELECT * FROM imports WHERE id = ?').get(importId) as ImportRow | undefined;
      if (!row) throw new NotFoundError(`no import ${importId}`);
      const errors = db.prepare('SELECT line, reason, raw FROM rejected_rows WHERE import_id = ? ORDER BY line LIMIT 1000').all(importId) as ImportReportDetail['errors'];
      const conflicts = (
        db.prepare('SELECT entry_id, line, stored, incoming FROM ledger_conflicts WHERE import_id = ? ORDER BY line LIMIT 1000').all(importId) as {
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
    'stuck:listPage': (query) => {
      lists();
      return stuckPage(db, query);
    },
    'duplicates:listPage': (query) => {
      lists();
      return duplicatesPage(db, query);
    },
    'limited:listPage': (query) => {
      lists();
      return limitedPage(db, query, limitedExplanation);
    },
    'mismatches:listPage': (query) => {
      lists();
      return mismatchesPage(db, query);
    },
    'followups:list': ({ accountId }) =>
      db.transaction(() => {
        const followups = listFollowups(db, flagSettingsOf(settings()), { accountId });
        return { followups: followups.map((f) => ({ ...f, email: f.accountId === null ? null : emailOf(f.accountId) })), asOf: flagListsContext(db).asOf };
      }).deferred(),
    'flags:counts': ({ settings: proposed, asOf }) => {
      const followups = () => listFollowups(db, proposed ?? flagSettingsOf(settings())).length;
      if (!proposed && asOf === undefined) {
        lists();
        return db.transaction(() => ({ asOf: flagListsContext(db).asOf, ...flagListTotals(db), followups: followups() })).deferred();
      }
      const s = settings();
      const result = computeFlags(db, { settings: proposed ?? flagSettingsOf(s), asOf: asOf === undefined ? s.asOf : asOf });
      return {
        asOf: result.asOf,
        stuck: result.stuck?.length ?? 0,
        duplicates: result.duplicates?.length ?? 0,
        duplicatesWhilePending: result.duplicates?.filter((d) => d.whilePending).length ?? 0,
        limited: result.limited?.length ?? 0,
        mismatches: result.mismatches?.length ?? 0,
        followups: followups(),
      };
    },
    'flags:evidence': ({ kind, key }) => {
      lists();
      return db.transaction(() => {
        const context = flagListsContext(db);
        const flagged =
          kind === 'stuck'
            ? stuckItem(db, key)
            : kind === 'duplicates'
              ? duplicateItem(db, key)
              : kind === 'limited'
                ? limitedItem(db, key)
                : mismatchItem(db, key);
        return buildEvidence(db, { ...context, [kind]: flagged ? [flagged] : [] }, kind, key, reviewsByKey(db, kind).get(key) ?? null);
      }).deferred();
    },
    'account:search': ({ term }): AccountMatch | null => {
      const value = term.trim();
      const accountId = resolveAccountId(db, value);
      if (accountId === undefined) return null;
      const matchedBy = accountId === value ? 'account' : value.includes('@') ? 'email' : 'payment';
      return { accountId, email: emailOf(accountId), matchedBy };
    },
    'account:get': ({ accountId }) => {
      const exists = db.prepare('SELECT 1 FROM payments WHERE account_id = @a UNION ALL SELECT 1 FROM ledger_entries WHERE account_id = @a LIMIT 1').get({ a: accountId });
      if (!exists) throw new NotFoundError(`no account ${accountId}`);
      const s = settings();
      return accountView(db, accountId, flagSettingsOf(s), s.asOf);
    },
    'reviews:decide': ({ kind, keys, decision, note }) => {
      const reviewer = settings().reviewerName || deps.defaultReviewer;
      const decidedAt = Date.now();
      db.transaction(() => {
        for (const key of keys) applyReviewDecision(db, { kind, key, decision, note, reviewer, decidedAt }, 'user');
      })();
      events.emit('data:changed', { tables: ['reviews'] });
      const wanted = new Set(keys);
      return { reviews: listReviews(db, { kind }).filter((r) => wanted.has(r.key)) };
    },
    'reviews:list': ({ kind }) => listReviews(db, { kind }),
    'settings:get': () => settings(),
    'settings:update': (changes) => {
      if (changes.exportFolders) checkExportFolders(changes.exportFolders);
      const updated = writeSettings(db, changes) as AppSettings;
      if ('exportFolders' in changes || 'autoSync' in changes) rewatch();
      lists(); // new thresholds: start the rebuild now rather than at the next read
      events.emit('data:changed', { tables: ['settings'] });
      return updated;
    },
    'export:csv': ({ list, filter, sort }) => {
      const date = new Date().toISOString().slice(0, 10);
      if (list === 'reviews') {
        const rows = reviewRows(listReviews(db));
        return { fileName: `paydesk-reviews-${date}.csv`, csv: toCsv(rows, REVIEW_EXPORT_COLUMNS), rows: rows.length };
      }
      if (list === 'followups') {
        const rows = followupRows(listFollowups(db, flagSettingsOf(settings())));
        return { fileName: `paydesk-followups-${date}.csv`, csv: toCsv(rows, FOLLOWUP_EXPORT_COLUMNS), rows: rows.length };
      }
      lists();
      const query = { filter, sort, offset: 0, limit: null } as ListQuery<never>;
      const kind: FlagKind = list;
      const { columns, rows } = db.transaction(() => {
        const selected =
          kind === 'stuck'
            ? stuckPage(db, query).rows
            : kind === 'duplicates'
              ? duplicatesPage(db, query).rows
              : kind === 'limited'
                ? limitedPage(db, query, limitedExplanation).rows
                : mismatchesPage(db, query).rows;
        return flagRows(kind, { ...flagListsContext(db), [kind]: selected }, reviewsByKey(db, kind));
      }).deferred();
      return { fileName: `paydesk-${kind}-${date}.csv`, csv: toCsv(rows, columns), rows: rows.length };
    },
    'mappings:list': () => listMappings(db).map((m) => ({ id: m.id, kind: m.kind, header: m.header, fields: m.fields, createdAt: m.createdAt })),
    'mappings:save': async ({ importId, kind, fields }) => {
      const row = db.prepare('SELECT path FROM imports WHERE id = ?').get(importId) as { path: string } | undefined;
      if (!row) throw new NotFoundError(`no import ${importId}`);
      const header = await readExportHeader(row.path);
      const id = saveMapping(db, { kind, headerNames: header.names, fields });
      events.emit('data:changed', { tables: ['mappings'] });
      return { id };
    },
    'mappings:delete': ({ id }) => {
      const deleted = deleteMapping(db, id);
      events.emit('data:changed', { tables: ['mappings'] });
      return { deleted };
    },
    'folders:pick': async () => ({ path: deps.pickFolder ? await deps.pickFolder() : null }),
    'folders:list': ({ path: folder }) => listFolders(folder, deps.homeDir ?? os.homedir()),
  };

  return {
    handlers,
    events,
    close: async () => {
      watch.close();
      await Promise.all([runner.stop(), rebuild.stop()]);
    },
  };
}
