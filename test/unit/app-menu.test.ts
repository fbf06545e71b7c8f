// The app menu (main/menu.ts) as a template: every screen has its shortcut and goes through the routes that
// paydesk:// links use, Settings is Ctrl/Cmd+, and About names the version and the database.
import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { hashToRoute, routeToHash, SCREENS, type AppRoute } from '../../shared/links.js';
import { aboutText, menuTemplate, type MenuActions } from '../../main/menu.js';

function build(platform: NodeJS.Platform) {
  const calls: string[] = [];
  const routes: AppRoute[] = [];
  const actions: MenuActions = {
    sync: () => calls.push('sync'),
    navigate: (route) => routes.push(route),
    showDatabaseFolder: () => calls.push('folder'),
    about: () => calls.push('about'),
  };
  const items: MenuItemConstructorOptions[] = [];
  const walk = (list: MenuItemConstructorOptions[]) => {
    for (const item of list) {
      items.push(item);
      if (Array.isArray(item.submenu)) walk(item.submenu);
    }
  };
  walk(menuTemplate(actions, platform));
  const click = (label: string) => {
    const item = items.find((i) => i.label === label);
    expect(item, label).toBeDefined();
    (item!.click as () => void)();
  };
  return { items, calls, routes, click };
}

describe.each(['linux', 'win32', 'darwin'] as const)('the app menu on %s', (platform) => {
  it('Ctrl/Cmd+1…7 open the screens in the sidebar’s order, Ctrl/Cmd+, Settings, through the links’ routes', () => {
    const { items, routes } = build(platform);
    const byKey = new Map(items.filter((i) => i.accelerator).map((i) => [i.accelerator, i]));
    const order = SCREENS.filter((s) => s !== 'settings');
    order.forEach((_, n) => (byKey.get(`CmdOrCtrl+${n + 1}`)!.click as () => void)());
    (byKey.get('CmdOrCtrl+,')!.click as () => void)();
    expect(routes.map(routeToHash)).toEqual([...order, 'settings'].map((s) => `#/${s}`));
    for (const route of routes) expect(hashToRoute(routeToHash(route))).toEqual(route);
  });

  it('Sync now (Ctrl/Cmd+R) syncs; Find account (Ctrl/Cmd+F) opens the account search', () => {
    const { items, calls, routes, click } = build(platform);
    expect(items.find((i) => i.label === 'Sync now')?.accelerator).toBe('CmdOrCtrl+R');
    expect(items.find((i) => i.label === 'Find account…')?.accelerator).toBe('CmdOrCtrl+F');
    click('Sync now');
    click('Find account…');
    expect(calls).toEqual(['sync']);
    expect(routes).toEqual([{ screen: 'account', id: null }]);
  });

  it('has no two items on one shortcut, and an About item', () => {
    const { items, calls, click } = build(platform);
    const keys = items.map((i) => i.accelerator).filter(Boolean);
    expect(new Set(keys).size).toBe(keys.length);
    click('About paydesk');
    click('Show database folder');
    expect(calls).toEqual(['about', 'folder']);
  });
});

describe('the About box', () => {
  it('shows the version and the database path', () => {
    expect(aboutText({ version: '0.1.0', dbFile: '/home/ana/.config/paydesk/paydesk.db', electron: '45.5.0', chrome: '142.0', node: '22.20.0' })).toEqual({
      message: 'paydesk 0.1.0',
      detail: 'Database: /home/ana/.config/paydesk/paydesk.db\nElectron 45.5.0, Chromium 142.0, Node 22.20.0',
    });
    expect(aboutText({ version: '0.1.0', dbFile: 'C:\\Users\\ana\\paydesk.db' }).detail).toBe('Database: C:\\Users\\ana\\paydesk.db');
  });
});
