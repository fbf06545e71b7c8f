// The desktop notification of new flags (main/notify.ts) with a fake Notification: one per auto-sync with new
// rows, the counts in words, none when nothing is new, for a sync by hand, or with the setting off; a click
// brings the window forward on the list.
import { describe, expect, it } from 'vitest';
import type { NewFlags } from '../../shared/api.js';
import type { AppRoute } from '../../shared/links.js';
import { createNewFlagsNotifier, newFlagsMessage, type NotificationOptions } from '../../main/notify.js';

function fakes(options: { enabled?: boolean; supported?: boolean } = {}) {
  const shown: FakeNotification[] = [];
  const opened: AppRoute[] = [];
  const lines: string[] = [];
  const settings = { notifyNewFlags: options.enabled ?? true };
  class FakeNotification {
    private listeners: (() => void)[] = [];
    showCount = 0;
    constructor(readonly options: NotificationOptions) {}
    on(event: 'click', listener: () => void) {
      expect(event).toBe('click');
      this.listeners.push(listener);
      return this;
    }
    show() {
      this.showCount++;
      shown.push(this);
    }
    click() {
      for (const listener of this.listeners) listener();
    }
  }
  const notify = createNewFlagsNotifier({
    Notification: FakeNotification,
    isSupported: () => options.supported ?? true,
    enabled: () => settings.notifyNewFlags,
    open: (route) => opened.push(route),
    log: (line) => lines.push(line),
  });
  return { notify, shown, opened, lines, settings };
}

const flags = (counts: Partial<NewFlags>): NewFlags => ({ stuck: 0, duplicates: 0, mismatches: 0, auto: true, ...counts });

describe('the notification of new flags', () => {
  it('shows one notification per auto-sync with the counts in plain words', () => {
    const { notify, shown } = fakes();
    notify(flags({ stuck: 3, duplicates: 1, mismatches: 2 }));
    expect(shown).toHaveLength(1);
    expect(shown[0].showCount).toBe(1);
    expect(shown[0].options).toEqual({
      title: 'The last sync found new flags',
      body: '3 new stuck payments, 1 new possible duplicate purchase and 2 new mismatches between processor and ledger.',
    });
  });

  it.each([
    [{ stuck: 1 }, '1 new stuck payment.'],
    [{ duplicates: 2 }, '2 new possible duplicate purchases.'],
    [{ mismatches: 1 }, '1 new mismatch between processor and ledger.'],
    [{ stuck: 1200, mismatches: 1 }, '1,200 new stuck payments and 1 new mismatch between processor and ledger.'],
  ])('%j → %s', (counts, body) => {
    expect(newFlagsMessage(flags(counts))?.body).toBe(body);
  });

  it('shows nothing when nothing is new', () => {
    const { notify, shown } = fakes();
    expect(notify(flags({}))).toBeNull();
    expect(newFlagsMessage(flags({}))).toBeNull();
    expect(shown).toEqual([]);
  });

  it('shows nothing for a sync started by hand (the Sync screen shows its result)', () => {
    const { notify, shown } = fakes();
    expect(notify(flags({ stuck: 2, auto: false }))).toBeNull();
    expect(shown).toEqual([]);
  });

  it('shows nothing when the setting is off, and again when it is back on (read at each sync)', () => {
    const { notify, shown, settings } = fakes({ enabled: false });
    notify(flags({ stuck: 2 }));
    expect(shown).toEqual([]);
    settings.notifyNewFlags = true;
    notify(flags({ stuck: 2 }));
    expect(shown).toHaveLength(1);
  });

  it('without a notification service (a bare Linux desktop) it logs one line instead', () => {
    const { notify, shown, lines } = fakes({ supported: false });
    notify(flags({ duplicates: 4 }));
    expect(shown).toEqual([]);
    expect(lines).toEqual(['new flags (no notification service here): 4 new possible duplicate purchases.']);
  });

  it('a click focuses the window on the list of undecided rows: the first list with new rows, in the sidebar’s order', () => {
    const { notify, shown, opened } = fakes();
    notify(flags({ stuck: 1, mismatches: 1 }));
    notify(flags({ duplicates: 2, mismatches: 1 }));
    notify(flags({ mismatches: 5 }));
    expect(opened).toEqual([]);
    for (const n of shown) n.click();
    expect(opened).toEqual([
      { screen: 'stuck', decision: 'open' },
      { screen: 'duplicates', decision: 'open' },
      { screen: 'mismatches', decision: 'open', kind: null },
    ]);
  });
});
