// The window as the user left it: size, position, maximised, and the last screen, kept in window-state.json in
// the user data folder. Displays change between launches (a laptop off its dock), so a saved position is
// clamped into the work area of the display it overlaps most, or dropped for a centred window when it overlaps
// none. Pure (fs and the displays passed in): tested under Node with fake displays.
import fs from 'node:fs';
import { hashToRoute, routeToHash, type AppRoute } from '../shared/links.js';
import { isAppUrl } from './hardening.js';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What is used of Electron's Display. */
export interface DisplayLike {
  workArea: Rect;
}

export interface WindowState {
  /** The normal (not maximised) bounds. */
  bounds: Rect | null;
  maximized: boolean;
  /** The in-app location last shown, e.g. `#/duplicates?decision=open`. */
  lastRoute: string | null;
}

export interface WindowPlacement {
  /** Absent: let the window be centred. */
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const WINDOW_SIZE = { width: 1400, height: 900, minWidth: 980, minHeight: 600 } as const;
export const WINDOW_STATE_FILE = 'window-state.json';
/** How much of a saved window must still be on a display for its position to be kept. */
const MIN_VISIBLE = { width: 160, height: 60 };

const EMPTY: WindowState = { bounds: null, maximized: false, lastRoute: null };

const isCoordinate = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= 100_000;
const isSize = (v: unknown): v is number => isCoordinate(v) && v > 0;

/** The canonical hash of an in-app location, or null when it is not one. */
export function canonicalRoute(hash: unknown): string | null {
  const route = hashToRoute(hash);
  return route ? routeToHash(route) : null;
}

/** The route the window's page shows, from its URL (did-navigate, did-navigate-in-page); null for any other page. */
export function routeOfUrl(url: string): string | null {
  if (!isAppUrl(url)) return null;
  const at = url.indexOf('#');
  return at < 0 ? null : canonicalRoute(url.slice(at));
}

/** Whatever the file holds (nothing, bad JSON, odd values), a valid state: unknown parts are dropped. */
export function parseWindowState(text: string | null): WindowState {
  if (text === null) return EMPTY;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return EMPTY;
  }
  if (typeof value !== 'object' || value === null) return EMPTY;
  const { bounds, maximized, lastRoute } = value as Record<string, unknown>;
  const b = (typeof bounds === 'object' && bounds !== null ? bounds : {}) as Record<string, unknown>;
  return {
    bounds: isCoordinate(b.x) && isCoordinate(b.y) && isSize(b.width) && isSize(b.height) ? { x: b.x, y: b.y, width: b.width, height: b.height } : null,
    maximized: maximized === true,
    lastRoute: canonicalRoute(lastRoute),
  };
}

export function readWindowState(file: string): WindowState {
  let text: string | null = null;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    // first launch, or unreadable: defaults
  }
  return parseWindowState(text);
}

/** Written whole (a temp file renamed over the old one), readable by its owner only: the route may name an account. */
export function writeWindowState(file: string, state: WindowState): void {
  const clean: WindowState = {
    bounds: state.bounds && { x: Math.round(state.bounds.x), y: Math.round(state.bounds.y), width: Math.round(state.bounds.width), height: Math.round(state.bounds.height) },
    maximized: state.maximized,
    lastRoute: canonicalRoute(state.lastRoute),
  };
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(clean, null, 2) + '\n', { mode: 0o600 });
  fs.renameSync(temp, file);
}

const overlap = (a: Rect, b: Rect) => ({
  width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
  height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
});
const clamp = (value: number, low: number, high: number) => Math.min(Math.max(value, low), Math.max(low, high));

/** A size no larger than the work area (nor, where the area allows, smaller than the window's minimum). */
function fit(width: number, height: number, area: Rect): { width: number; height: number } {
  return {
    width: Math.min(Math.max(width, WINDOW_SIZE.minWidth), area.width),
    height: Math.min(Math.max(height, WINDOW_SIZE.minHeight), area.height),
  };
}

/**
 * Where the window opens: the saved bounds on the display they overlap most, resized to fit its work area and
 * moved fully inside it; centred on the primary display (no x, y) when nothing was saved or the saved window
 * would be (almost) off every display.
 */
export function placeWindow(state: WindowState, displays: readonly DisplayLike[], primary: DisplayLike): WindowPlacement {
  const saved = state.bounds;
  let best: { display: DisplayLike; area: number } | null = null;
  if (saved) {
    for (const display of displays) {
      const o = overlap(saved, display.workArea);
      if (o.width >= Math.min(MIN_VISIBLE.width, saved.width) && o.height >= Math.min(MIN_VISIBLE.height, saved.height)) {
        const area = o.width * o.height;
        if (!best || area > best.area) best = { display, area };
      }
    }
  }
  if (!saved || !best) {
    return { ...fit(saved?.width ?? WINDOW_SIZE.width, saved?.height ?? WINDOW_SIZE.height, primary.workArea), maximized: state.maximized };
  }
  const area = best.display.workArea;
  const size = fit(saved.width, saved.height, area);
  return {
    x: clamp(saved.x, area.x, area.x + area.width - size.width),
    y: clamp(saved.y, area.y, area.y + area.height - size.height),
    ...size,
    maximized: state.maximized,
  };
}

/** The route to open with when no link asked for one. */
export function lastRouteOf(state: WindowState): AppRoute | null {
  return hashToRoute(state.lastRoute);
}
