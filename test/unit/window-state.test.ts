// The window as the user left it (main/window-state.ts), with fake displays: the saved bounds come back on the
// display they overlap most, clamped into its work area; off every display the window is centred on the
// primary one; a broken or hostile file gives the defaults; the last screen comes back.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  lastRouteOf,
  parseWindowState,
  placeWindow,
  readWindowState,
  routeOfUrl,
  WINDOW_SIZE,
  writeWindowState,
  type DisplayLike,
  type WindowState,
} from '../../main/window-state.js';

const display = (x: number, y: number, width: number, height: number): DisplayLike => ({ workArea: { x, y, width, height } });
const laptop = display(0, 25, 1440, 875); // the menu bar above
const monitorRight = display(1440, 0, 2560, 1400);
const monitorLeft = display(-1920, 0, 1920, 1040);
const state = (bounds: WindowState['bounds'], extra: Partial<WindowState> = {}): WindowState => ({ bounds, maximized: false, lastRoute: null, ...extra });

describe('placeWindow', () => {
  it('with nothing saved: the default size, fitted to the primary display, centred (no position)', () => {
    expect(placeWindow(state(null), [monitorRight], monitorRight)).toEqual({ width: 1400, height: 900, maximized: false });
    expect(placeWindow(state(null), [laptop], laptop)).toEqual({ width: 1400, height: 875, maximized: false });
  });

  it('keeps bounds that are fully on a display', () => {
    const bounds = { x: 1600, y: 100, width: 1500, height: 1000 };
    expect(placeWindow(state(bounds), [laptop, monitorRight], laptop)).toEqual({ ...bounds, maximized: false });
  });

  it('works with displays left of and above the primary one (negative coordinates)', () => {
    const bounds = { x: -1800, y: 20, width: 1200, height: 800 };
    expect(placeWindow(state(bounds), [laptop, monitorLeft], laptop)).toEqual({ ...bounds, maximized: false });
  });

  it('pulls a window that hangs over an edge fully inside the display it overlaps most', () => {
    expect(placeWindow(state({ x: 2800, y: 900, width: 1400, height: 900 }), [laptop, monitorRight], laptop)).toEqual({
      x: 2600, y: 500, width: 1400, height: 900, maximized: false,
    });
    // straddling two displays: it goes to the one with the larger share
    expect(placeWindow(state({ x: 1000, y: 100, width: 1200, height: 800 }), [laptop, monitorRight], laptop)).toMatchObject({ x: 1440, y: 100 });
    expect(placeWindow(state({ x: 200, y: 100, width: 1400, height: 800 }), [laptop, monitorRight], laptop)).toMatchObject({ x: 40, y: 100 });
    // above the menu bar
    expect(placeWindow(state({ x: 10, y: -200, width: 1000, height: 700 }), [laptop], laptop)).toMatchObject({ x: 10, y: 25 });
  });

  it('centres the window on the primary display when its monitor is gone (a laptop off its dock)', () => {
    expect(placeWindow(state({ x: 1600, y: 100, width: 2000, height: 1200 }), [laptop], laptop)).toEqual({ width: 1440, height: 875, maximized: false });
    // a sliver of 20 px on screen cannot be grabbed: treated as off-screen too
    expect(placeWindow(state({ x: 1420, y: 100, width: 1200, height: 800 }), [laptop], laptop)).toEqual({ width: 1200, height: 800, maximized: false });
    expect(placeWindow(state({ x: 0, y: 5000, width: 1200, height: 800 }), [laptop, monitorRight], laptop)).not.toHaveProperty('x');
  });

  it('shrinks a window larger than the display to its work area, and grows one below the minimum size', () => {
    expect(placeWindow(state({ x: 0, y: 25, width: 3000, height: 2000 }), [laptop], laptop)).toEqual({ x: 0, y: 25, width: 1440, height: 875, maximized: false });
    expect(placeWindow(state({ x: 100, y: 100, width: 200, height: 100 }), [monitorRight, laptop], laptop)).toEqual({
      x: 100, y: 100, width: WINDOW_SIZE.minWidth, height: WINDOW_SIZE.minHeight, maximized: false,
    });
  });

  it('keeps the maximised state whatever happens to the position', () => {
    expect(placeWindow(state({ x: 5000, y: 5000, width: 1400, height: 900 }, { maximized: true }), [laptop], laptop).maximized).toBe(true);
    expect(placeWindow(state({ x: 100, y: 100, width: 1400, height: 800 }, { maximized: true }), [laptop], laptop).maximized).toBe(true);
  });
});

describe('the state file', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  const tempFile = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paydesk-window-'));
    dirs.push(dir);
    return path.join(dir, 'window-state.json');
  };

  it('round-trips size, position, maximised and the last screen; readable by its owner only', () => {
    const file = tempFile();
    const saved: WindowState = { bounds: { x: -10, y: 40, width: 1300.4, height: 820 }, maximized: true, lastRoute: '#/duplicates?decision=open' };
    writeWindowState(file, saved);
    expect(readWindowState(file)).toEqual({ ...saved, bounds: { x: -10, y: 40, width: 1300, height: 820 } });
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['window-state.json']); // no temp file left behind
    expect(lastRouteOf(readWindowState(file))).toEqual({ screen: 'duplicates', decision: 'open' });
  });

  it('a missing, empty, broken or hostile file gives the defaults, part by part', () => {
    const empty = { bounds: null, maximized: false, lastRoute: null };
    expect(readWindowState(path.join(os.tmpdir(), 'paydesk-no-such-dir', 'window-state.json'))).toEqual(empty);
    for (const text of [null, '', '{', 'null', '[]', '42', '"x"', '{"__proto__":{"maximized":true}}']) expect(parseWindowState(text), String(text)).toEqual(empty);
    expect(parseWindowState('{"bounds":{"x":"0","y":0,"width":1000,"height":700},"maximized":"yes","lastRoute":"javascript:alert(1)"}')).toEqual(empty);
    expect(parseWindowState('{"bounds":{"x":1e300,"y":0,"width":1000,"height":700}}').bounds).toBeNull();
    expect(parseWindowState('{"bounds":{"x":0,"y":0,"width":-5,"height":700}}').bounds).toBeNull();
    expect(parseWindowState('{"bounds":{"x":0.5,"y":0,"width":1000,"height":700}}').bounds).toBeNull();
    expect(parseWindowState('{"lastRoute":"#/account/acct_1"}')).toEqual({ ...empty, lastRoute: '#/account/acct_1' });
    expect(parseWindowState('{"lastRoute":"#/settings/../../x"}').lastRoute).toBeNull();
    expect(parseWindowState('{"bounds":{"x":1,"y":2,"width":1000,"height":700},"extra":"dropped"}')).toEqual({ ...empty, bounds: { x: 1, y: 2, width: 1000, height: 700 } });
  });

  it('writes only a route it can read back', () => {
    const file = tempFile();
    writeWindowState(file, { bounds: null, maximized: false, lastRoute: '#/nowhere' });
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ bounds: null, maximized: false, lastRoute: null });
  });
});

describe('routeOfUrl: the screen the window shows', () => {
  it('reads the route from the app’s own page only, in its canonical form', () => {
    expect(routeOfUrl('app://paydesk/index.html#/stuck')).toBe('#/stuck');
    expect(routeOfUrl('app://paydesk/index.html#/mismatches?kind=credited_twice&decision=open')).toBe('#/mismatches?decision=open&kind=credited_twice');
    expect(routeOfUrl('app://paydesk/index.html#/account/a%40b')).toBe('#/account/a%40b');
    expect(routeOfUrl('app://paydesk/index.html')).toBeNull();
    expect(routeOfUrl('app://paydesk/index.html#/nowhere')).toBeNull();
    expect(routeOfUrl('https://example.com/#/stuck')).toBeNull();
    expect(routeOfUrl('app://paydesk.evil/index.html#/stuck')).toBeNull();
  });
});
