// The shell: navigation with live counts, the account search (press /), and the screens. Every screen has a URL
// (shared/links.ts: `#/account/<id, email or payment id>`, `#/payment/<id>`, `#/duplicates?decision=open`…):
// screen changes push a history entry, a list's filter replaces it, and anything that is not a route shows the
// default screen. The desktop app's links and notifications arrive the same way, as a change of the fragment.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppInfo, AppSettings, FlagCounts } from '../../shared/api.js';
import { hashToRoute, routeToHash, type AppRoute, type Screen } from '../../shared/links.js';
import { api, ApiError, transport } from './api.js';
import type { RouteFilter } from './components/FlagList.js';
import { EmptyState, ErrorState, LoadingState, toast, Toasts } from './components/ui.js';
import { DatabaseIndicator } from './features/settings/DatabaseIndicator.js';
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
import { useNewFlags } from './new-flags.js';

/** What shows for no fragment, and for one that is not a route (unknown, malformed, hostile): nothing else happens. */
const DEFAULT_ROUTE: AppRoute = { screen: 'stuck', decision: null };
const readRoute = (): AppRoute => hashToRoute(window.location.hash) ?? DEFAULT_ROUTE;
/** The sidebar entry of a route: a payment is shown as its account. */
const screenOf = (route: AppRoute): Screen => (route.screen === 'payment' ? 'account' : route.screen);

/** A list's filter as its URL carries it. */
function routeFilterOf(route: AppRoute): RouteFilter | undefined {
  if (!('decision' in route)) return undefined;
  return { review: route.decision ?? 'any', mismatchKind: route.screen === 'mismatches' ? (route.kind ?? undefined) : undefined };
}

/** The same list's route with the filter the user chose. */
function withFilter(route: AppRoute, filter: RouteFilter): AppRoute {
  const decision = filter.review === 'open' || filter.review === 'decided' ? filter.review : null;
  if (route.screen === 'mismatches') return { screen: 'mismatches', decision, kind: filter.mismatchKind ?? null };
  if (route.screen === 'stuck' || route.screen === 'duplicates' || route.screen === 'limited') return { screen: route.screen, decision };
  return route;
}

export function App() {
  const [route, setRoute] = useState<AppRoute>(readRoute);
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
  // Settings changed elsewhere (another tab, another paydesk on the team database, or a switch of database).
  useEffect(
    () =>
      api.on('data:changed', ({ tables }) => {
        if (!tables.includes('settings')) return;
        Promise.all([api['app:info']({}), api['settings:get']({})]).then(([i, s]) => {
          setInfo(i);
          setSettings(s);
          setError(null);
        }, () => {}); // what is on screen stays; the screens say what failed
      }),
    [],
  );
  // A team database that cannot be reached at start: one line, retried until it answers (or the user goes back).
  const unreachable = error instanceof ApiError && error.code === 'unavailable';
  useEffect(() => {
    if (!unreachable) return;
    const timer = setInterval(load, 5000);
    return () => clearInterval(timer);
  }, [unreachable, load]);
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

  /** Another screen (or account) pushes a history entry; a list's filter replaces the current one. */
  const navigate = useCallback((next: AppRoute, how: 'push' | 'replace' = 'push') => {
    const hash = routeToHash(next);
    if (how === 'replace') {
      history.replaceState(history.state, '', hash);
      setRoute(next);
    } else if (window.location.hash !== hash) window.location.hash = hash; // the hashchange sets the route
    else setRoute(next);
  }, []);
  const openAccount = useCallback((id: string) => navigate({ screen: 'account', id }), [navigate]);
  const onRouteFilterChange = (filter: RouteFilter) => navigate(withFilter(route, filter), 'replace');
  const current = screenOf(route);
  const fresh = useNewFlags(settings?.notifyNewFlags ?? false, current, navigate);

  // `#/account/<email or payment id>` and `#/payment/<id>`: the account is found with the search, as typed.
  const lookup = route.screen === 'account' || route.screen === 'payment' ? route.id : null;
  const [resolved, setResolved] = useState<{ term: string; accountId: string | null } | null>(null);
  useEffect(() => {
    if (lookup === null) return;
    let live = true;
    api['account:search']({ term: lookup.slice(0, 500) }).then(
      (match) => live && setResolved({ term: lookup, accountId: match?.accountId ?? null }),
      () => live && setResolved({ term: lookup, accountId: lookup }), // the account screen says what went wrong
    );
    return () => {
      live = false;
    };
  }, [lookup]);
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

  if (unreachable) return <Unreachable message={(error as Error).message} onRetry={load} />;
  if (error) return <ErrorState error={error} onRetry={load} />;
  if (!info || !settings) return <LoadingState label="Opening paydesk…" />;

  const nav: { screen: Screen; label: string; count?: number; strong?: number }[] = [
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
          <a key={n.screen} href={`#/${n.screen}`} className={`nav-item${current === n.screen ? ' current' : ''}`} aria-current={current === n.screen ? 'page' : undefined}>
            <span>{n.label}</span>
            {n.screen in fresh && (
              <span className="fresh" data-testid={`fresh-${n.screen}`} title="New since the last automatic sync: open the list to clear this mark">
                +{fresh[n.screen as keyof typeof fresh]?.toLocaleString()}
                <span className="visually-hidden"> new</span>
              </span>
            )}
            {n.count !== undefined && (
              <span className={`count${n.count === 0 ? ' zero' : ''}`} title={n.strong !== undefined ? `${n.strong} paid while pending` : undefined}>
                {n.count.toLocaleString()}
              </span>
            )}
          </a>
        ))}
        <DatabaseIndicator />
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
          {route.screen === 'stuck' && <StuckScreen onOpenAccount={openAccount} settings={settings} routeFilter={routeFilterOf(route)} onRouteFilterChange={onRouteFilterChange} />}
          {route.screen === 'duplicates' && (
            <DuplicatesScreen onOpenAccount={openAccount} windowMinutes={settings.duplicateWindowMinutes} routeFilter={routeFilterOf(route)} onRouteFilterChange={onRouteFilterChange} />
          )}
          {route.screen === 'limited' && (
            <LimitedScreen onOpenAccount={openAccount} thresholdCents={settings.tierThresholdCents} routeFilter={routeFilterOf(route)} onRouteFilterChange={onRouteFilterChange} />
          )}
          {route.screen === 'mismatches' && <MismatchesScreen onOpenAccount={openAccount} routeFilter={routeFilterOf(route)} onRouteFilterChange={onRouteFilterChange} />}
          {route.screen === 'followups' && <FollowupsScreen onOpenAccount={openAccount} />}
          {current === 'account' &&
            (lookup === null ? (
              <AccountScreen accountId={null} onOpenAccount={openAccount} />
            ) : resolved?.term !== lookup ? (
              <div className="screen">
                <LoadingState label={`Looking up ${lookup}…`} />
              </div>
            ) : resolved.accountId === null ? (
              <div className="screen">
                <header className="screen-head">
                  <h1>Account</h1>
                </header>
                <EmptyState title={`No account matches “${lookup}”`}>
                  {route.screen === 'payment' ? 'No payment has this id in the imported exports.' : 'Try an account id, an email or a payment id.'} Press <kbd>/</kbd> to search again.
                </EmptyState>
              </div>
            ) : (
              <AccountScreen accountId={resolved.accountId} onOpenAccount={openAccount} />
            ))}
          {route.screen === 'settings' && <SettingsScreen info={info} settings={settings} onSettings={setSettings} />}
        </div>
      </main>
      <Toasts />
    </div>
  );
}

/** The team database is the choice but does not answer: say so in one line, keep trying, offer the way back. */
function Unreachable({ message, onRetry }: { message: string; onRetry: () => void }) {
  const [leaving, setLeaving] = useState(false);
  const leave = async () => {
    setLeaving(true);
    try {
      await api['team:leave']({});
      onRetry();
    } catch (e) {
      toast((e as Error).message);
    } finally {
      setLeaving(false);
    }
  };
  return (
    <div className="state error" role="alert" data-testid="team-unreachable">
      <div className="state-title">The team database does not answer</div>
      <div className="state-body">{message}; retrying every few seconds.</div>
      <div className="row">
        <button className="btn" onClick={onRetry}>
          Try now
        </button>
        <button className="btn" disabled={leaving} onClick={() => void leave()}>
          Back to this computer's database
        </button>
      </div>
      <Toasts />
    </div>
  );
}
