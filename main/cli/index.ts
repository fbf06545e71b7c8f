// The `paydesk` command: the same core as the desktop app, headless (shared/spec/cli.md).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { FLAG_KINDS, REVIEW_DECISIONS, type FlagKind } from '../../shared/domain.js';
import { accountView, resolveAccountId } from '../core/account.js';
import { openStore } from '../core/store/open-store.js';
import { isPostgresUrl } from '../core/store/postgres-url.js';
import type { Store } from '../core/store/store.js';
import { flagRows, FOLLOWUP_EXPORT_COLUMNS, followupRows, reviewRows, REVIEW_EXPORT_COLUMNS, toCsv, writePrivateFile } from '../core/export-csv.js';
import { computeFlags } from '../core/flags/index.js';
import { FileError } from '../core/import/file-error.js';
import { readExportHeader } from '../core/import/read-header.js';
import { refreshFlagListsAfter } from '../core/flag-lists/refresh.js';
import { listFollowups } from '../core/followups.js';
import { syncPaths } from '../core/import/sync.js';
import { deleteMapping, listMappings, saveMapping } from '../core/mappings.js';
import { defaultDbPath } from '../core/paths.js';
import { applyReviewDecision, inferReviewKind, isDecisionFor, listReviews, reviewsByKey } from '../core/reviews.js';
import { flagSettingsOf, readSettings } from '../core/settings.js';
import { CliFailure } from './failure.js';
import { addFlagOptions, asOfFrom, flagSettingsFrom, type FlagOptionValues } from './flag-options.js';
import { printAccount, printFlags, printFollowups, printImportReports } from './print.js';
import { renderTable } from './table.js';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(text + '\n'),
  err: (text) => process.stderr.write(text + '\n'),
};

interface DbOption {
  db?: string;
  json?: boolean;
}

/** The database `--db` (or $PAYDESK_DB) names: a SQLite file, or a team database's postgres:// URL. */
export function dbTarget(options: DbOption): string {
  const target = options.db ?? (process.env.PAYDESK_DB || undefined) ?? defaultDbPath();
  return isPostgresUrl(target) ? target : path.resolve(target);
}

async function withDb<T>(options: DbOption, work: (db: Store) => Promise<T>): Promise<T> {
  const db = await openStore(dbTarget(options));
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

const EXPORTS: readonly string[] = [...FLAG_KINDS, 'followups', 'reviews'];

export function buildProgram(io: CliIo = processIo): { program: Command; exitCode: () => number } {
  const program = new Command('paydesk')
    .description(
      'Untangle credit purchases that went wrong: stuck payments, duplicate purchases, credits under Build Tier 1, and payments whose ledger credits disagree with the money kept.',
    )
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .showHelpAfterError('(run paydesk --help for usage)');
  const dbOption = (command: Command) => command.option('--db <file>', 'the database (default: the desktop app\'s, or $PAYDESK_DB)');
  const json = (value: unknown) => io.out(JSON.stringify(value, null, 2));
  let exitCode = 0;

  dbOption(program.command('import'))
    .description('import export files or folders (recursively)')
    .option('--json', 'print one JSON document')
    .argument('<paths...>')
    .action(async (paths: string[], options: DbOption) => {
      const reports = await withDb(options, async (db) => {
        const imported = await syncPaths(db, paths, { maxRejectedRows: (await readSettings(db)).maxRejectedRows });
        await refreshFlagListsAfter(db, imported);
        return imported;
      });
      if (options.json) json({ files: reports });
      else printImportReports(reports, io.out);
      const failed = reports.filter((r) => r.status === 'rejected' || r.status === 'unrecognised' || r.status === 'canceled');
      for (const r of failed) io.err(`${r.path}: ${r.status}: ${r.reason ?? ''}`);
      if (reports.length === 0) throw new CliFailure(`no export files found under ${paths.join(', ')}`);
      if (failed.length) exitCode = 1;
    });

  addFlagOptions(dbOption(program.command('flags')))
    .description('list stuck payments, possible duplicates, limited accounts and mismatches between processor and ledger')
    .option('--json', 'print one JSON document')
    .argument('[list]', `only one list: ${FLAG_KINDS.join(', ')}`)
    .action(async (list: string | undefined, options: DbOption & FlagOptionValues) => {
      if (list !== undefined && !FLAG_KINDS.includes(list as FlagKind)) throw new CliFailure(`unknown list "${list}": use ${FLAG_KINDS.join(', ')}`);
      await withDb(options, async (db) => {
        const stored = await readSettings(db);
        const flags = await computeFlags(db, { settings: flagSettingsFrom(options, flagSettingsOf(stored)), asOf: asOfFrom(options, stored.asOf), only: list as FlagKind | undefined });
        if (options.json) json(flags);
        else printFlags(flags, io.out);
      });
    });

  dbOption(program.command('followups'))
    .description('decisions still waiting for their action (a refund to make, credits to take back, a payment to come through), oldest first')
    .option('--json', 'print one JSON document')
    .action((options: DbOption) =>
      withDb(options, async (db) => {
        const followups = await listFollowups(db, flagSettingsOf(await readSettings(db)));
        if (options.json) json({ followups });
        else printFollowups(followups, io.out);
      }),
    );

  addFlagOptions(dbOption(program.command('account')))
    .description("one account's payments, ledger, tier, flags and reviews (by account id, email or payment id)")
    .option('--json', 'print one JSON document')
    .argument('<account>')
    .action((term: string, options: DbOption & FlagOptionValues) =>
      withDb(options, async (db) => {
        const accountId = await resolveAccountId(db, term);
        if (accountId === undefined) throw new CliFailure(`no account matches "${term}" (searched account ids, emails and payment ids)`);
        const stored = await readSettings(db);
        const view = await accountView(db, accountId, flagSettingsFrom(options, flagSettingsOf(stored)), asOfFrom(options, stored.asOf));
        if (options.json) json(view);
        else printAccount(view, io.out);
      }),
    );

  dbOption(program.command('review'))
    .description('record a decision on a flag: a duplicate cluster key, a stuck payment id, a limited account id or a mismatch key (kind:payment)')
    .argument('<key>')
    .argument('<decision>', FLAG_KINDS.map((kind) => `${REVIEW_DECISIONS[kind].join(', ')} (${kind})`).join('; '))
    .option('--note <text>', 'a note kept with the decision', '')
    .option('--kind <kind>', `which flag the key names, when the decision does not tell: ${FLAG_KINDS.join(', ')}`)
    .option('--reviewer <name>', 'who decided (default: the name in Settings, or the OS user)')
    .action((key: string, decision: string, options: DbOption & { note: string; kind?: string; reviewer?: string }) =>
      withDb(options, async (db) => {
        const kind = (options.kind as FlagKind | undefined) ?? inferReviewKind(key, decision);
        if (kind === undefined || !FLAG_KINDS.includes(kind)) throw new CliFailure(`cannot tell which flag "${key}" is; pass --kind`);
        if (!isDecisionFor(kind, decision)) throw new CliFailure(`"${decision}" is not a decision for ${kind}`);
        // On a team database the name in a computer's Settings is that computer's: the command line signs as its user.
        const reviewer = options.reviewer ?? ((await readSettings(db, db.kind === 'local' ? db : null)).reviewerName || os.userInfo().username);
        const outcome = await applyReviewDecision(db, { kind, key, decision, note: options.note, reviewer, decidedAt: Date.now() }, 'user');
        io.out(`${outcome === 'inserted' ? 'recorded' : 'updated'}: ${kind} ${key} → ${decision} by ${reviewer}`);
      }),
    );

  addFlagOptions(dbOption(program.command('export')))
    .description('write a flag list, the follow-ups or the review decisions as CSV')
    .argument('<what>', `${EXPORTS.join(', ')}`)
    .requiredOption('--out <file>', 'the CSV file to write')
    .action((what: string, options: DbOption & FlagOptionValues & { out: string }) =>
      withDb(options, async (db) => {
        if (!EXPORTS.includes(what)) throw new CliFailure(`cannot export "${what}": use ${EXPORTS.join(', ')}`);
        let csv: string;
        let count: number;
        if (what === 'reviews') {
          const rows = reviewRows(await listReviews(db));
          [csv, count] = [toCsv(rows, REVIEW_EXPORT_COLUMNS), rows.length];
        } else if (what === 'followups') {
          const rows = followupRows(await listFollowups(db, flagSettingsFrom(options, flagSettingsOf(await readSettings(db)))));
          [csv, count] = [toCsv(rows, FOLLOWUP_EXPORT_COLUMNS), rows.length];
        } else {
          const kind = what as FlagKind;
          const stored = await readSettings(db);
          const flags = await computeFlags(db, { settings: flagSettingsFrom(options, flagSettingsOf(stored)), asOf: asOfFrom(options, stored.asOf), only: kind });
          const { columns, rows } = flagRows(kind, flags, await reviewsByKey(db, kind));
          [csv, count] = [toCsv(rows, columns), rows.length];
        }
        writePrivateFile(options.out, csv);
        io.out(`wrote ${count} rows to ${options.out}`);
      }),
    );

  // `--db` may stand before or after the subcommand: paydesk mapping [--db FILE] list
  const mapping = dbOption(program.command('mapping')).description('column mappings for other exports, keyed by their header');
  const withMappingDb = <T>(command: Command, work: (db: Store) => Promise<T>) => withDb(command.optsWithGlobals() as DbOption, work);
  dbOption(mapping.command('list'))
    .option('--json', 'print one JSON document')
    .action((options: DbOption, command: Command) =>
      withMappingDb(command, async (db) => {
        const mappings = await listMappings(db);
        if (options.json) return json(mappings);
        io.out(renderTable(['id', 'kind', 'fields', 'header'], mappings.map((m) => [m.id, m.kind, Object.entries(m.fields).map(([f, c]) => `${f}=${c}`).join(' '), m.header])));
      }),
    );
  dbOption(mapping.command('save'))
    .argument('<file>', 'an export whose header the mapping is for')
    .requiredOption('--map <field=column...>', 'canonical field = column of the file, e.g. payment_id="Transaction ID"')
    .option('--kind <kind>', 'payments or ledger (default: ledger when entry_id or type is mapped)')
    .action(async (file: string, options: DbOption & { map: string[]; kind?: string }, command: Command) => {
      const fields = Object.fromEntries(
        options.map.map((pair) => {
          const at = pair.indexOf('=');
          if (at <= 0) throw new CliFailure(`--map: expected FIELD=COLUMN, got "${pair}"`);
          return [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
        }),
      );
      const kind = options.kind ?? ('entry_id' in fields || 'type' in fields ? 'ledger' : 'payments');
      if (kind !== 'payments' && kind !== 'ledger') throw new CliFailure(`--kind: use payments or ledger, not "${kind}"`);
      const header = await readExportHeader(file).catch((error: unknown) => {
        throw new CliFailure(`${file}: ${error instanceof FileError ? error.message : (error as Error).message}`);
      });
      await withMappingDb(command, async (db) => {
        try {
          const id = await saveMapping(db, { kind, headerNames: header.names, fields });
          io.out(`saved mapping ${id} (${kind}) for the header of ${file}`);
        } catch (error) {
          throw new CliFailure((error as Error).message);
        }
      });
    });
  dbOption(mapping.command('delete'))
    .argument('<id>')
    .action((id: string, _options: DbOption, command: Command) =>
      withMappingDb(command, async (db) => {
        if (!(await deleteMapping(db, Number(id)))) throw new CliFailure(`no mapping ${id}`);
        io.out(`deleted mapping ${id}`);
      }),
    );

  dbOption(program.command('demo'))
    .description('load the bundled demo exports (generated from a fixed seed)')
    .option('--json', 'print one JSON document')
    .action(async (options: DbOption) => {
      const dbFile = dbTarget(options);
      if (isPostgresUrl(dbFile)) throw new CliFailure('the demo data goes into a local database: load it there, then `paydesk copy` it if a team should see it');
      const { loadDemo } = await import('../core/demo/load-demo.js');
      const result = await withDb(options, (db) => loadDemo(db, path.join(path.dirname(dbFile), 'demo-exports')));
      if (options.json) json(result);
      else {
        printImportReports(result.reports, io.out);
        io.out(`demo data loaded into ${dbFile}`);
      }
      if (result.reports.some((r) => r.status !== 'imported' && r.status !== 'skipped')) exitCode = 1;
    });

  program
    .command('copy')
    .description('move a local database into an empty team database (PostgreSQL): data, import history, decisions with their audit log, mappings and settings')
    .requiredOption('--from <file>', 'the local database file')
    .requiredOption('--to <url>', 'the team database, postgres://user@host:5432/paydesk (password from PGPASSWORD or ~/.pgpass)')
    .option('--json', 'print one JSON document')
    .action(async (options: { from: string; to: string; json?: boolean }) => {
      const { copyDatabase, CopyRefusedError } = await import('../core/store/copy-database.js');
      const report = await copyDatabase(path.resolve(options.from), options.to, { log: (line) => io.err(line) }).catch((error: unknown) => {
        throw error instanceof CopyRefusedError ? new CliFailure(error.message) : error;
      });
      if (options.json) return json(report);
      if (report.outcome === 'already-copied') io.out(`${report.target} is already a copy of ${options.from}: nothing to do`);
      else io.out(`copied ${Object.values(report.tables).reduce((a, b) => a + b, 0)} rows into ${report.target}`);
    });

  dbOption(program.command('serve'))
    .description('browser mode: the app over HTTP on 127.0.0.1, with a per-launch secret token in the printed URL')
    .option('--port <n>', 'the port (0 picks a free one)', '0')
    .option('--demo', 'load the demo data first when the database has no imports yet')
    .action(async (options: DbOption & { port: string; demo?: boolean }) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliFailure(`--port: not a port number: "${options.port}"`);
      const dbFile = dbTarget(options);
      if (options.demo && isPostgresUrl(dbFile)) throw new CliFailure('--demo loads the demo data into a local database, not a team database');
      const { serveBrowserMode } = await import('../web/server.js');
      const { loadDemoIfEmpty } = await import('../core/demo-first-launch.js');
      const server = await serveBrowserMode({
        dbFile,
        port,
        version: appVersion(),
        log: (line) => io.err(line),
        prepare: options.demo ? async (service) => {
          const loaded = await loadDemoIfEmpty(dbFile);
          if (!loaded) return;
          io.out(`loaded the demo data into ${dbFile}`);
          // The service was watching the folders it found when it opened (none yet): save the demo folder through it
          // so that auto-sync watches it from now on.
          const { exportFolders } = await service.handlers['settings:get']({});
          await service.handlers['settings:update']({ exportFolders });
        } : undefined,
      });
      io.out(`paydesk is running in browser mode at ${server.url}`);
      io.out('Open that URL in a browser (it carries this launch\'s secret token). Press Ctrl+C to stop.');
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      // Recursive fs.watch handles (auto-sync) can outlive close() on Linux; the server is done, so leave.
      const exit = setTimeout(() => process.exit(0), 1000);
      await server.close();
      exit.unref();
    });

  return { program, exitCode: () => exitCode };
}

function appVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const { program, exitCode } = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode();
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0) return 0;
      return 2;
    }
    if (error instanceof CliFailure) {
      io.err(`paydesk: ${error.message}`);
      return 1;
    }
    io.err(`paydesk: ${(error as Error).message}`);
    return 1;
  }
}

if (require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
