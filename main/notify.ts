// The desktop notification of new flags: one per auto-sync that added rows to the stuck, duplicates or
// mismatches lists, with the counts in words; a click brings the window forward on the list of undecided rows.
// Electron's Notification is passed in (index.ts), so this runs under Node with a fake (test/unit/notify.test.ts).
import type { NewFlags } from '../shared/api.js';
import { openRowsOf, type AppRoute } from '../shared/links.js';

export interface NotificationOptions {
  title: string;
  body: string;
}

/** What this module uses of Electron's Notification. */
export interface NotificationLike {
  on(event: 'click', listener: () => void): unknown;
  show(): void;
}
export type NotificationConstructor = new (options: NotificationOptions) => NotificationLike;

export interface NewFlagsNotifierDeps {
  Notification: NotificationConstructor;
  /** Electron's Notification.isSupported (false on a Linux desktop without a notification server). */
  isSupported?: () => boolean;
  /** The notifyNewFlags setting, read when the event arrives. */
  enabled: () => boolean;
  /** Focus the window and show the route. */
  open: (route: AppRoute) => void;
  log?: (line: string) => void;
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** The notification's words and where its click leads (the first list, in the sidebar's order, that has new rows). */
export function newFlagsMessage(flags: NewFlags): (NotificationOptions & { route: AppRoute }) | null {
  const parts: string[] = [];
  if (flags.stuck > 0) parts.push(plural(flags.stuck, 'new stuck payment', 'new stuck payments'));
  if (flags.duplicates > 0) parts.push(plural(flags.duplicates, 'new possible duplicate purchase', 'new possible duplicate purchases'));
  if (flags.mismatches > 0) parts.push(plural(flags.mismatches, 'new mismatch between processor and ledger', 'new mismatches between processor and ledger'));
  if (parts.length === 0) return null;
  const list = flags.stuck > 0 ? 'stuck' : flags.duplicates > 0 ? 'duplicates' : 'mismatches';
  const body = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
  return { title: 'The last sync found new flags', body: `${body[0].toUpperCase()}${body.slice(1)}.`, route: openRowsOf(list) };
}

/**
 * The listener for 'flags:new' events: a notification for an auto-sync with new rows when the setting is on,
 * nothing otherwise. Returns the notification shown (kept referenced until clicked: a collected notification
 * loses its click handler).
 */
export function createNewFlagsNotifier(deps: NewFlagsNotifierDeps): (flags: NewFlags) => NotificationLike | null {
  const live = new Set<NotificationLike>();
  return (flags) => {
    if (!flags.auto || !deps.enabled()) return null;
    const message = newFlagsMessage(flags);
    if (!message) return null;
    if (deps.isSupported && !deps.isSupported()) {
      deps.log?.(`new flags (no notification service here): ${message.body}`);
      return null;
    }
    const notification = new deps.Notification({ title: message.title, body: message.body });
    live.add(notification);
    if (live.size > 20) live.delete(live.values().next().value as NotificationLike);
    notification.on('click', () => {
      live.delete(notification);
      deps.open(message.route);
    });
    notification.show();
    return notification;
  };
}
