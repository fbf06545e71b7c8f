// The app menu as a template (pure: index.ts builds it with Menu.buildFromTemplate, test/unit/app-menu.test.ts
// reads it). Every screen is one shortcut away and goes through the same routes as paydesk:// links.
import type { MenuItemConstructorOptions } from 'electron';
import type { AppRoute } from '../shared/links.js';

export interface MenuActions {
  sync: () => void;
  /** Focus the window and show the route. */
  navigate: (route: AppRoute) => void;
  showDatabaseFolder: () => void;
  about: () => void;
}

/** The screens of the View menu, Ctrl/Cmd+1…7 in the sidebar's order; Settings is Ctrl/Cmd+, as on every desktop. */
export const SCREEN_SHORTCUTS: readonly { label: string; route: AppRoute; accelerator: string }[] = [
  { label: 'Sync', route: { screen: 'sync' }, accelerator: 'CmdOrCtrl+1' },
  { label: 'Stuck payments', route: { screen: 'stuck', decision: null }, accelerator: 'CmdOrCtrl+2' },
  { label: 'Duplicates', route: { screen: 'duplicates', decision: null }, accelerator: 'CmdOrCtrl+3' },
  { label: 'Limited tier', route: { screen: 'limited', decision: null }, accelerator: 'CmdOrCtrl+4' },
  { label: 'Mismatches', route: { screen: 'mismatches', decision: null, kind: null }, accelerator: 'CmdOrCtrl+5' },
  { label: 'Follow-ups', route: { screen: 'followups' }, accelerator: 'CmdOrCtrl+6' },
  { label: 'Account', route: { screen: 'account', id: null }, accelerator: 'CmdOrCtrl+7' },
];
export const SETTINGS_SHORTCUT = { label: 'Settings…', route: { screen: 'settings' } as AppRoute, accelerator: 'CmdOrCtrl+,' };
/** Find an account: the Account screen and its search (in the window, `/` does the same). */
export const FIND_SHORTCUT = { label: 'Find account…', route: { screen: 'account', id: null } as AppRoute, accelerator: 'CmdOrCtrl+F' };

export function menuTemplate(actions: MenuActions, platform: NodeJS.Platform = process.platform): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const go = (shortcut: { label: string; route: AppRoute; accelerator: string }): MenuItemConstructorOptions => ({
    label: shortcut.label,
    accelerator: shortcut.accelerator,
    click: () => actions.navigate(shortcut.route),
  });
  const about: MenuItemConstructorOptions = { label: 'About paydesk', click: actions.about };
  return [
    ...(mac
      ? [
          {
            label: 'paydesk',
            submenu: [about, { type: 'separator' }, go(SETTINGS_SHORTCUT), { type: 'separator' }, { role: 'services' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }],
          } satisfies MenuItemConstructorOptions,
        ]
      : []),
    {
      label: 'File',
      submenu: [
        { label: 'Sync now', accelerator: 'CmdOrCtrl+R', click: actions.sync },
        go(FIND_SHORTCUT),
        { type: 'separator' },
        { label: 'Show database folder', click: actions.showDatabaseFolder },
        ...(mac ? [] : [{ type: 'separator' } as const, go(SETTINGS_SHORTCUT)]),
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [...SCREEN_SHORTCUTS.map(go), { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
    },
    { role: 'windowMenu' },
    ...(mac ? [] : [{ role: 'help', submenu: [about] } satisfies MenuItemConstructorOptions]),
  ];
}

/** The About box's words: the version and where the database is. */
export function aboutText(info: { version: string; dbFile: string; electron?: string; chrome?: string; node?: string }): { message: string; detail: string } {
  const runtime = [info.electron && `Electron ${info.electron}`, info.chrome && `Chromium ${info.chrome}`, info.node && `Node ${info.node}`].filter(Boolean).join(', ');
  return {
    message: `paydesk ${info.version}`,
    detail: `Database: ${info.dbFile}${runtime ? `\n${runtime}` : ''}`,
  };
}
