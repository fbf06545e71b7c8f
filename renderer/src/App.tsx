// The shell: navigation with live counts, the account search (press /), and the screens.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppInfo, AppSettings, FlagCounts } from '../../shared/api.js';
import { api, transport } from './api.js';
import { ErrorState, LoadingState, toast, Toasts } from './components/ui.js';
import { AccountScreen } from './features/account/AccountScreen.js';
import { DuplicatesScreen } from './features/duplicates/DuplicatesScreen.js';
import { FollowupsScreen } from './features/followups/FollowupsScreen.js';
import { LimitedScreen } from './features/limited/LimitedScreen.js';
import { MismatchesScreen } from './features/mismatches/MismatchesScreen.js';
import { SettingsScreen } from './features/settings/SettingsScreen.js';
import { StuckScreen } from './features/stuck/StuckScreen.js';
import { SyncScreen } from './features/sync/SyncScreen.js';
import { useDataVersion } from './hooks.js';
import { prefetchFirstPages } from './first-pages.js';

const SCREENS = ['sync', 'stuck', 'duplicates', 'limited', 'mismatches', 'followups', 'account', 'settings'] as const;
type Route = { screen: (typeof SCREENS)[number]; accountId: string | null };

function readRoute(): Route {
  const [, screen = '', id] = window.location.hash.split('/');
  const match = SCREENS.find((s) => s === screen);
  return { screen: match ?? 'stuck', accountId: id ? decodeURIComponent(id) : null };
}

export function App() {
  const [route, setRoute] = useState<Route>(readRoute);
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [settings, setSettings] = useState<AppSettings | null>(null);
  const [counts, setCounts] = useState<FlagCounts | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [term, setTerm] = useState('');
  const [searching, setSearching] = useState(false);
  const search = useRef<HTMLInputElement>(null);
  const version = useDataVersion();

  const load = useCallback(() => {
    setError(null);
    Promise.all([api['app:info']({}), api['settings:get']({})]).then(([i, s]) => {
      setInfo(i);
      setSettings(s);
    }, setError);
  }, []);
  useEffect(load, [load]);
  useEffect(() => {
    let live = true;
    api['flags:counts']({}).then((c) => live && setCounts(c), () => live && setCounts(null));
    prefetchFirstPages();
    return () => {
      live = false;
    };
  }, [version, settings]);
  useEffect(() => {
    const onHash = () => setRoute(readRoute());
    window.addEventListener('hashchange', onHash);
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      const typing = target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT';
      if (e.key === '/' && !typing) {
        e.preventDefault();
        search.current?.focus();
        search.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('hashchange', onHash);
      window.removeEventListener('keydown', onKey);
    };
  }, []);

  const go = (hash: string) => {
    window.location.hash = hash;
  };
  const openAccount = useCallback((id: string) => go(`/account/${encodeURIComponent(id)}`), []);
  const find = async () => {
    const value = term.trim();
    if (!value) return;
    setSearching(true);
    try {
      const match = await api['account:search']({ term: value });
      if (match) openAccount(match.accountId);
      else toast(`No account matches “${value}”: try an account id, an email or a payment id`);
    } catch (e) {
      toast((e as Error).message);
    } finally {
      setSearching(false);
    }
  };

  if (error) return <ErrorState error={error} onRetry={load} />;
  if (!info || !settings) return <LoadingState label="Opening paydesk…" />;

  const nav: { screen: Route['screen']; label: string; count?: number; strong?: number }[] = [
    { screen: 'sync', label: 'Sync' },
    { screen: 'stuck', label: 'Stuck payments', count: counts?.stuck },
    { screen: 'duplicates', label: 'Duplicates', count: counts?.duplicates, strong: counts?.duplicatesWhilePending },
    { screen: 'limited', label: 'Limited tier', count: counts?.limited },
    { screen: 'mismatches', label: 'Mismatches', count: counts?.mismatches },
    { screen: 'followups', label: 'Follow-ups', count: counts?.followups },
    { screen: 'account', label: 'Account' },
    { screen: 'settings', label: 'Settings' },
  ];

  return (
    <div className="app">
      <nav className="sidebar" aria-label="Screens">
        <div className="brand">
          <span className="logo">◆</span> paydesk
        </div>
        {nav.map((n) => (
          <a key={n.screen} href={`#/${n.screen}`} className={`nav-item${route.screen === n.screen ? ' current' : ''}`} aria-current={route.screen === n.screen ? 'page' : undefined}>
            <span>{n.label}</span>
            {n.count !== undefined && (
              <span className={`count${n.count === 0 ? ' zero' : ''}`} title={n.strong !== undefined ? `${n.strong} paid while pending` : undefined}>
                {n.count.toLocaleString()}
              </span>
            )}
          </a>
        ))}
        <div className="sidebar-foot">
          {transport === 'browser' ? 'Browser mode' : 'Desktop'} · v{info.version}
          {counts && <div>as of {counts.asOf.replace('T', ' ').slice(0, 16)} UTC</div>}
        </div>
      </nav>
      <main className="main">
        <div className="topbar">
          <form
            className="global-search"
            role="search"
            onSubmit={(e) => {
              e.preventDefault();
              void find();
            }}
          >
            <input
              ref={search}
              className="input"
              type="search"
              aria-label="Find an account"
              placeholder="Find an account: id, email or payment id"
              value={term}
              onChange={(e) => setTerm(e.target.value)}
            />
            <kbd>/</kbd>
            <button className="btn" disabled={searching}>
              Find
            </button>
          </form>
        </div>
        <div className="content">
          {route.screen === 'sync' && <SyncScreen info={info} settings={settings} onSettings={setSettings} />}
          {route.screen === 'stuck' && <StuckScreen onOpenAccount={openAccount} settings={settings} />}
          {route.screen === 'duplicates' && <DuplicatesScreen onOpenAccount={openAccount} windowMinutes={settings.duplicateWindowMinutes} />}
          {route.screen === 'limited' && <LimitedScreen onOpenAccount={openAccount} thresholdCents={settings.tierThresholdCents} />}
          {route.screen === 'mismatches' && <MismatchesScreen onOpenAccount={openAccount} />}
          {route.screen === 'followups' && <FollowupsScreen onOpenAccount={openAccount} />}
          {route.screen === 'account' && <AccountScreen accountId={route.accountId} onOpenAccount={openAccount} />}
          {route.screen === 'settings' && <SettingsScreen info={info} settings={settings} onSettings={setSettings} />}
        </div>
      </main>
      <Toasts />
    </div>
  );
}
