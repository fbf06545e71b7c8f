// Browser mode's folder picker (the desktop app has the native one): the folders on the machine that runs
// paydesk, listed by the local server (folders:list: folders only, never a file name), starting at the home
// folder. Keyboard: arrows (and Home/End) move, Enter opens, Backspace goes up, Esc closes.
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { FolderListing } from '../../../../shared/api.js';
import { api } from '../../api.js';

/** The folders from the root to `folder`, each with its path (POSIX and Windows separators). */
function crumbs(folder: string): { name: string; path: string }[] {
  const windows = /^[A-Za-z]:[\\/]|^\\\\/.test(folder);
  const sep = windows ? '\\' : '/';
  const parts = folder.split(/[\\/]/).filter(Boolean);
  if (!windows) return [{ name: '/', path: '/' }, ...parts.map((name, i) => ({ name, path: `/${parts.slice(0, i + 1).join('/')}` }))];
  const unc = folder.startsWith('\\\\');
  return parts.map((name, i) => {
    const joined = parts.slice(0, i + 1).join(sep);
    return { name, path: unc ? `\\\\${joined}` : i === 0 ? `${joined}${sep}` : joined };
  });
}

/** Inside the home folder the path starts at "Home" (the folders above it are one "Up" away). */
function crumbsFromHome(folder: string, home: string): { name: string; path: string }[] {
  const all = crumbs(folder);
  const at = all.findIndex((c) => c.path === home);
  return at < 0 ? all : [{ name: 'Home', path: home }, ...all.slice(at + 1)];
}

export function BrowseDialog({ onUse, onClose }: { onUse: (folder: string) => void; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const list = useRef<HTMLDivElement>(null);
  const [listing, setListing] = useState<FolderListing | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [active, setActive] = useState(0);
  const [showHidden, setShowHidden] = useState(false);

  const open = useCallback((folder?: string) => {
    setLoading(true);
    api['folders:list'](folder ? { path: folder } : {}).then(
      (next) => {
        setListing(next);
        setProblem(null);
        setActive(0);
        setLoading(false);
        list.current?.focus();
      },
      (error: unknown) => {
        setProblem((error as Error).message); // the folder shown stays; the reason says why the other did not open
        setLoading(false);
      },
    );
  }, []);

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    open();
    return () => d?.close();
  }, [open]);

  const folders = listing ? listing.folders.filter((f) => showHidden || !f.hidden) : [];
  const hiddenCount = listing ? listing.folders.length - listing.folders.filter((f) => !f.hidden).length : 0;
  const activeIndex = Math.min(active, Math.max(folders.length - 1, 0));

  useEffect(() => {
    list.current?.querySelector(`[data-index="${activeIndex}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [activeIndex, listing]);

  const onKey = (e: KeyboardEvent) => {
    const last = folders.length - 1;
    const move = (to: number) => {
      e.preventDefault();
      setActive(Math.max(0, Math.min(last, to)));
    };
    if (e.key === 'ArrowDown') move(activeIndex + 1);
    else if (e.key === 'ArrowUp') move(activeIndex - 1);
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(last);
    else if (e.key === 'PageDown') move(activeIndex + 10);
    else if (e.key === 'PageUp') move(activeIndex - 10);
    else if (e.key === 'Enter' && folders[activeIndex]) {
      e.preventDefault();
      open(folders[activeIndex].path);
    } else if (e.key === 'Backspace' && listing?.parent) {
      e.preventDefault();
      open(listing.parent);
    }
  };

  return (
    <dialog
      ref={dialog}
      className="browse-dialog"
      aria-labelledby="browse-title"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <div className="browse-head">
        <h2 id="browse-title">Choose the exports folder</h2>
        <button className="btn ghost small" aria-label="Close" title="Close (Esc)" onClick={onClose}>
          ×
        </button>
      </div>
      <div className="browse-bar">
        <button className="btn small" onClick={() => listing?.parent && open(listing.parent)} disabled={!listing?.parent || loading} title="The folder above (Backspace)">
          ↑ Up
        </button>
        <button className="btn small" onClick={() => open(listing?.home)} disabled={loading || listing?.path === listing?.home}>
          Home folder
        </button>
        <nav className="crumbs" aria-label="Folder path">
          {listing &&
            crumbsFromHome(listing.path, listing.home).map((c, i, all) =>
              i === all.length - 1 ? (
                <strong key={c.path} aria-current="location" title={c.path}>
                  {c.name}
                </strong>
              ) : (
                <span key={c.path}>
                  <button className="link" onClick={() => open(c.path)} title={c.path}>
                    {c.name}
                  </button>
                  <span className="crumb-sep" aria-hidden="true">
                    {c.name === '/' ? '' : '/'}
                  </span>
                </span>
              ),
            )}
        </nav>
      </div>
      {problem && (
        <p className="problem" role="alert">
          {problem}
        </p>
      )}
      <div
        ref={list}
        className="browse-list"
        role="listbox"
        tabIndex={0}
        aria-label={listing ? `Folders in ${listing.path}` : 'Folders'}
        aria-activedescendant={folders[activeIndex] ? `browse-folder-${activeIndex}` : undefined}
        aria-busy={loading}
        onKeyDown={onKey}
      >
        {!listing && loading ? (
          <div className="browse-empty" role="option" aria-selected={false} aria-disabled="true" aria-busy="true">
            Reading folders…
          </div>
        ) : folders.length === 0 ? (
          // A listbox holds options only: the empty state is one a screen reader reads but cannot choose.
          <div className="muted browse-empty" role="option" aria-selected={false} aria-disabled="true">
            {listing ? 'No folders in here. Use this folder, or go up.' : ''}
          </div>
        ) : (
          folders.map((f, i) => (
            <div
              key={f.path}
              id={`browse-folder-${i}`}
              data-index={i}
              role="option"
              aria-selected={i === activeIndex}
              className={`browse-item${i === activeIndex ? ' active' : ''}${f.hidden ? ' hidden-folder' : ''}`}
              title={`${f.path} (double-click or Enter to open)`}
              onClick={() => setActive(i)}
              onDoubleClick={() => open(f.path)}
            >
              {f.name}
            </div>
          ))
        )}
      </div>
      <div className="browse-foot">
        <span className="muted small">
          {listing && `${folders.length.toLocaleString()} folder${folders.length === 1 ? '' : 's'}`}
          {listing?.truncated && ' (the first 2,000)'}
          {' · '}↑↓ move, Enter opens, Backspace goes up
        </span>
        {hiddenCount > 0 && (
          <label className="toggle">
            <input type="checkbox" checked={showHidden} onChange={(e) => setShowHidden(e.target.checked)} />
            Show {hiddenCount} hidden
          </label>
        )}
        <span className="spacer" />
        <button className="btn" onClick={onClose}>
          Cancel
        </button>
        <button className="btn primary" disabled={!listing || loading} onClick={() => listing && onUse(listing.path)} title={listing?.path}>
          Use this folder
        </button>
      </div>
    </dialog>
  );
}
