// The app's routes and the paydesk:// links that open them. Links come from outside (a ticket, another program's
// command line), so parsePaydeskLink is strict: a closed list of hosts and query words, ids from a small safe
// character set, percent-decoded exactly once and checked again. Anything else is null, never "the closest
// route". Pure TS (no URL class, no Node, no DOM): main, the renderer and the tests share it.
import { MISMATCH_KINDS, type MismatchKind } from './domain.js';

export const LINK_SCHEME = 'paydesk';

/** The screens in the sidebar's order (the menu's Ctrl/Cmd+1…7 follow it; Settings is Ctrl/Cmd+,). */
export const SCREENS = ['sync', 'stuck', 'duplicates', 'limited', 'mismatches', 'followups', 'account', 'settings'] as const;
export type Screen = (typeof SCREENS)[number];

/** The flag lists that have a decision filter (the API's ListFilter.review). */
export const REVIEWED_LISTS = ['stuck', 'duplicates', 'limited', 'mismatches'] as const;
export type ReviewedList = (typeof REVIEWED_LISTS)[number];
export type DecisionFilter = 'open' | 'decided';

export type AppRoute =
  | { screen: 'sync' }
  | { screen: 'settings' }
  | { screen: 'followups' }
  /** `id`: an account id, an email or a payment id, to be resolved with account:search; null: the search. */
  | { screen: 'account'; id: string | null }
  /** A payment's account (the renderer resolves the payment id with account:search). */
  | { screen: 'payment'; id: string }
  | { screen: Exclude<ReviewedList, 'mismatches'>; decision: DecisionFilter | null }
  | { screen: 'mismatches'; decision: DecisionFilter | null; kind: MismatchKind | null };

export interface LinkTarget {
  route: AppRoute;
  /** The in-app location, e.g. `#/account/acct_1`. */
  hash: string;
}

/** A link longer than this is refused before it is looked at. */
export const MAX_LINK_LENGTH = 300;
/** Account ids, payment ids and emails (RFC 5321 caps a path at 254). */
export const MAX_LINK_ID_LENGTH = 254;
/** An id the app made itself (an in-app hash) may hold any account id an export had, up to the API's limit. */
const MAX_HASH_ID_LENGTH = 500;

const LINK_HOSTS = ['account', 'payment', 'stuck', 'duplicates', 'limited', 'mismatches', 'followups'] as const;
type LinkHost = (typeof LINK_HOSTS)[number];

const SAFE_ID = /^[A-Za-z0-9_@+.-]+$/;
// Printable ASCII with no space, quote, angle bracket, backslash, backtick, brace or pipe: a link's raw text.
const LINK_CHARS = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/;
/** C0 and C1 controls, DEL, and the line and paragraph separators. */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029) return true;
  }
  return false;
}

const includes = <T extends string>(list: readonly T[], value: string): value is T => (list as readonly string[]).includes(value);

/** Percent-decodes once; null when an escape is malformed. */
function decodeOnce(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/** A link's id after its one decoding: the safe characters only, no dot segments, no leftover escapes. */
function safeLinkId(raw: string): string | null {
  if (raw === '' || !/^[A-Za-z0-9_@+.%-]+$/.test(raw)) return null;
  const id = decodeOnce(raw);
  if (id === null || id.length === 0 || id.length > MAX_LINK_ID_LENGTH) return null;
  if (!SAFE_ID.test(id)) return null; // a decoded '/', '\', '%', space or control character ends here
  if (id.startsWith('.') || id.endsWith('.') || id.includes('..')) return null;
  return id;
}

/** `a=b&c=d` into a map, each key once, keys and values from a closed vocabulary (no decoding at all). */
function queryWords(query: string | undefined, allowed: Record<string, readonly string[]>): Map<string, string> | null {
  const words = new Map<string, string>();
  if (query === undefined) return words;
  for (const pair of query.split('&')) {
    const match = /^([a-z]+)=([a-z_]+)$/.exec(pair);
    if (!match) return null;
    const [, key, value] = match;
    if (words.has(key) || !Object.prototype.hasOwnProperty.call(allowed, key) || !allowed[key].includes(value)) return null;
    words.set(key, value);
  }
  return words;
}

const DECISIONS = ['open', 'decided'] as const;
const queryVocabulary = (screen: Screen | 'payment'): Record<string, readonly string[]> =>
  screen === 'mismatches' ? { decision: DECISIONS, kind: MISMATCH_KINDS } : includes(REVIEWED_LISTS, screen) ? { decision: DECISIONS } : {};

function listRoute(screen: Exclude<LinkHost, 'account' | 'payment'> | ReviewedList, words: Map<string, string>): AppRoute {
  if (screen === 'followups') return { screen };
  const decision = (words.get('decision') ?? null) as DecisionFilter | null;
  if (screen === 'mismatches') return { screen, decision, kind: (words.get('kind') ?? null) as MismatchKind | null };
  return { screen, decision };
}

/**
 * `paydesk://account/<account id, email or payment id>`, `paydesk://payment/<payment id>`, and the lists
 * `paydesk://stuck|duplicates|limited|mismatches|followups`, the first four with `?decision=open|decided`, the
 * mismatches with `?kind=<mismatch kind>` too. One trailing slash is tolerated (Windows adds it). Everything
 * else is null.
 */
export function parsePaydeskLink(text: unknown): LinkTarget | null {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_LINK_LENGTH) return null;
  if (!LINK_CHARS.test(text)) return null; // spaces, controls, backslashes, non-ASCII: refused before parsing
  const match = /^paydesk:\/\/([A-Za-z]+)(?:\/([^/?#]+))?\/?(?:\?([^?#/]+))?$/i.exec(text);
  if (!match) return null;
  const [, rawHost, rawId, query] = match;
  const host = rawHost.toLowerCase();
  if (!includes(LINK_HOSTS, host)) return null;
  let route: AppRoute;
  if (host === 'account' || host === 'payment') {
    if (rawId === undefined || query !== undefined) return null;
    const id = safeLinkId(rawId);
    if (id === null) return null;
    route = { screen: host, id };
  } else {
    if (rawId !== undefined) return null;
    const words = queryWords(query, queryVocabulary(host));
    if (words === null) return null;
    route = listRoute(host, words);
  }
  return { route, hash: routeToHash(route) };
}

/** The in-app location of a route: `#/account/<encoded id>`, `#/mismatches?decision=open&kind=credited_twice`… */
export function routeToHash(route: AppRoute): string {
  switch (route.screen) {
    case 'account':
      return route.id === null ? '#/account' : `#/account/${encodeURIComponent(route.id)}`;
    case 'payment':
      return `#/payment/${encodeURIComponent(route.id)}`;
    case 'stuck':
    case 'duplicates':
    case 'limited':
    case 'mismatches': {
      const words: string[] = [];
      if (route.decision) words.push(`decision=${route.decision}`);
      if (route.screen === 'mismatches' && route.kind) words.push(`kind=${route.kind}`);
      return `#/${route.screen}${words.length ? `?${words.join('&')}` : ''}`;
    }
    default:
      return `#/${route.screen}`;
  }
}

/**
 * The route of an in-app location (the inverse of routeToHash; query words in any order), or null for
 * anything that is not one (the renderer then shows its default screen). Ids here were made by the app
 * (routeToHash of an id from the data), so any id up to 500 characters without control characters passes.
 */
export function hashToRoute(hash: unknown): AppRoute | null {
  if (typeof hash !== 'string' || hash.length > 2 * MAX_HASH_ID_LENGTH + 100) return null;
  const match = /^#\/([a-z]+)(?:\/([^/?#]*))?(?:\?([^?#]*))?$/.exec(hash);
  if (!match) return null;
  const [, screen, rawId, query] = match;
  if (screen === 'account' || screen === 'payment') {
    if (query !== undefined) return null;
    if (rawId === undefined) return screen === 'account' ? { screen, id: null } : null;
    const id = decodeOnce(rawId);
    if (id === null || id.trim() === '' || id.length > MAX_HASH_ID_LENGTH || hasControl(id)) return null;
    return { screen, id };
  }
  if (!includes(SCREENS, screen) || screen === 'account' || rawId !== undefined) return null;
  if (screen === 'sync' || screen === 'settings') return query === undefined ? { screen } : null;
  const words = queryWords(query, queryVocabulary(screen));
  if (words === null) return null;
  return listRoute(screen, words);
}

/** The route of a screen's list with only its undecided rows (where the notification of new flags leads). */
export function openRowsOf(screen: ReviewedList): AppRoute {
  return screen === 'mismatches' ? { screen, decision: 'open', kind: null } : { screen, decision: 'open' };
}
