// Sync: the exports folders, Sync now with progress, and the history of imports with their reports.
import { useEffect, useState } from 'react';
import type { AppInfo, AppSettings, ImportSummary, SyncState } from '../../../../shared/api.js';
import { api } from '../../api.js';
import { Badge, EmptyState, ErrorState, LoadingState, toast } from '../../components/ui.js';
import { ageInWords, count, formatInWords, Time } from '../../format.js';
import { useDataVersion } from '../../hooks.js';
import { BrowseDialog } from './BrowseDialog.js';
import { ImportReport } from './ImportReport.js';

const STATUS_TONE = { imported: 'green', skipped: 'grey', rejected: 'red', unrecognised: 'amber', canceled: 'grey' } as const;

export function SyncScreen({ info, settings, onSettings }: { info: AppInfo; settings: AppSettings; onSettings: (s: AppSettings) => void }) {
  const [state, setState] = useState<SyncState | null>(null);
  const [imports, setImports] = useState<ImportSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [folder, setFolder] = useState('');
  const [openImport, setOpenImport] = useState<number | null>(null);
  const [browsing, setBrowsing] = useState(false);
  const version = useDataVersion(['imports', 'mappings']);

  useEffect(() => {
    void api['sync:status']({}).then(setState);
    const offs = [
      api.on('import:progress', (progress) => setState((s) => ({ running: true, progress, last: s?.last ?? null }))),
      api.on('import:finished', (last) => {
        setState((s) => ({ running: false, progress: s?.progress ? { ...s.progress, percent: last.canceled ? s.progress.percent : 100, etaSeconds: 0 } : null, last }));
        const failed = last.reports.filter((r) => r.status === 'rejected' || r.status === 'unrecognised').length;
        toast(last.canceled ? 'Sync canceled' : last.error ? `Sync failed: ${last.error}` : failed ? `Sync finished: ${count(failed, 'file')} need attention` : 'Sync finished');
      }),
    ];
    return () => offs.forEach((off) => off());
  }, []);
  useEffect(() => {
    let live = true; // a slower, older answer must not overwrite a newer one
    api['imports:list']({ limit: 200 }).then((list) => live && setImports(list), (e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, [version]);

  const saveFolders = async (exportFolders: string[]) => onSettings(await api['settings:update']({ exportFolders }));
  const addFolder = async (path: string) => {
    const value = path.trim();
    if (!value || settings.exportFolders.includes(value)) return;
    try {
      await saveFolders([...settings.exportFolders, value]);
      setFolder('');
    } catch (e) {
      toast((e as Error).message);
    }
  };
  // The desktop app's native folder picker; browser mode's Browse dialog (folders served by the local server).
  const pick = async () => {
    if (!info.canPickFolder) return setBrowsing(true);
    const { path } = await api['folders:pick']({});
    if (path) await addFolder(path);
  };
  const syncNow = async () => {
    const result = await api['sync:start']({});
    if (!result.started) toast(result.reason ?? 'Could not start the sync');
    // A small sync can finish (and its events arrive) before this answer: ask where it is rather than assume.
    else setState(await api['sync:status']({}));
  };
  const p = state?.progress;
  const running = state?.running ?? false;
  const percent = p ? Math.round(p.percent) : 0;

  return (
    <div className="screen">
      <header className="screen-head">
        <div>
          <h1>Sync</h1>
          <p className="subtitle">Import the processor's and the ledger's exports. Each file is imported on its own; a bad file is reported and the rest still go in.</p>
        </div>
      </header>
      <div className="sync-grid">
        <section className="card">
          <div className="card-head">
            <h2 className="section">Exports folders</h2>
            <label className="toggle">
              <input type="checkbox" checked={settings.autoSync} onChange={async (e) => onSettings(await api['settings:update']({ autoSync: e.target.checked }))} />
              Auto-sync when files appear
            </label>
          </div>
          {settings.exportFolders.length === 0 ? (
            <p className="muted">No folder yet. Add the folder your exports are saved to; every CSV, TSV and JSON-lines file in it (and below) is imported.</p>
          ) : (
            <ul className="folders">
              {settings.exportFolders.map((f) => (
                <li key={f}>
                  <code>{f}</code>
                  <button className="btn ghost small" aria-label={`Remove ${f}`} onClick={() => void saveFolders(settings.exportFolders.filter((x) => x !== f))}>
                    Remove
                  </button>
                </li>
              ))}
            </ul>
          )}
          <div className="row">
            <button className="btn" onClick={() => void pick()}>
              {info.canPickFolder ? 'Choose folder…' : 'Browse…'}
            </button>
            <input
              className="input grow"
              aria-label="Folder path"
              placeholder="or type a folder or file path, e.g. /home/me/exports"
              value={folder}
              onChange={(e) => setFolder(e.target.value)}
              onKeyDown={(e) => e.key === 'Enter' && void addFolder(folder)}
            />
            <button className="btn" onClick={() => void addFolder(folder)} disabled={!folder.trim()}>
              Add
            </button>
          </div>
          {browsing && (
            <BrowseDialog
              onClose={() => setBrowsing(false)}
              onUse={(path) => {
                setBrowsing(false);
                void addFolder(path);
              }}
            />
          )}
        </section>
        <section className="card sync-card">
          <div className="card-head">
            <h2 className="section">Sync</h2>
            <div className="row">
              {running && (
                <button className="btn" onClick={() => void api['sync:cancel']({})}>
                  Cancel
                </button>
              )}
              <button className="btn primary" onClick={() => void syncNow()} disabled={running || settings.exportFolders.length === 0}>
                Sync now
              </button>
            </div>
          </div>
          <div className="progress" role="progressbar" aria-label="Import progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
            <div className={`progress-fill${running ? ' running' : ''}`} style={{ width: `${percent}%` }} />
          </div>
          <div className="progress-text" data-testid="progress-text">
            {p ? (
              <>
                <strong>{percent}%</strong>
                <span>
                  {p.fileCount > 0 ? `file ${Math.min(p.fileIndex + 1, p.fileCount)} of ${p.fileCount}` : 'starting'} · {count(p.rows, 'row')}
                </span>
                <span>{p.rowsPerSecond.toLocaleString()} rows/s</span>
                <span>{running ? (p.etaSeconds === null ? 'estimating…' : `about ${ageInWords(p.etaSeconds)} left`) : state?.last?.canceled ? 'canceled' : 'done'}</span>
              </>
            ) : running ? (
              'Starting…'
            ) : (
              <span className="muted">{state?.last ? <>Last sync <Time iso={state.last.finishedAt} /></> : 'Not synced in this session yet.'}</span>
            )}
          </div>
          {running && p?.path && <div className="muted small ellipsis">{p.path}</div>}
        </section>
      </div>

      <section className="card history">
        <h2 className="section">Import history</h2>
        {error !== null ? (
          <ErrorState error={error} />
        ) : imports === null ? (
          <LoadingState />
        ) : imports.length === 0 ? (
          <EmptyState title="Nothing imported yet">Add an exports folder above and press Sync now.</EmptyState>
        ) : (
          <table className="mini imports">
            <thead>
              <tr>
                <th>When</th>
                <th>File</th>
                <th>Format</th>
                <th>Result</th>
                <th className="right">Rows</th>
                <th className="right">New</th>
                <th className="right">Updated</th>
                <th className="right">Rejected</th>
                <th className="right">Conflicts</th>
                <th>
                  <span className="visually-hidden">Report</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {imports.map((i) => (
                <ImportRow key={i.importId} i={i} open={openImport === i.importId} onToggle={() => setOpenImport(openImport === i.importId ? null : i.importId)} />
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

function ImportRow({ i, open, onToggle }: { i: ImportSummary; open: boolean; onToggle: () => void }) {
  const needsLook = i.rejected > 0 || i.conflicts > 0 || i.status === 'rejected' || i.status === 'unrecognised';
  return (
    <>
      <tr className={`clickable${open ? ' open' : ''}`} onClick={onToggle} data-testid="import-row">
        <td>
          <Time iso={i.startedAt} />
        </td>
        <td className="file" title={i.path}>
          {i.path.split(/[\\/]/).pop()}
        </td>
        <td>{i.format ? formatInWords(i.format) : <span className="muted">—</span>}</td>
        <td>
          <Badge tone={STATUS_TONE[i.status]}>{i.status}</Badge> {i.reason && <span className="reason">{i.reason}</span>}
        </td>
        <td className="right num">{i.rows.toLocaleString()}</td>
        <td className="right num">{i.inserted.toLocaleString()}</td>
        <td className="right num">{i.updated.toLocaleString()}</td>
        <td className={`right num${i.rejected ? ' bad' : ''}`}>{i.rejected.toLocaleString()}</td>
        <td className={`right num${i.conflicts ? ' bad' : ''}`}>{i.conflicts.toLocaleString()}</td>
        <td className="right">
          <button className="link">{open ? 'Hide' : needsLook ? 'Report' : 'Details'}</button>
        </td>
      </tr>
      {open && (
        <tr className="report-row">
          <td colSpan={10}>
            <ImportReport importId={i.importId} />
          </td>
        </tr>
      )}
    </>
  );
}
