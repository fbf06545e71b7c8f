// New flags after an auto-sync ('flags:new'): in browser mode one toast with the counts and a button to the first
// list with new rows (its undecided rows); in both modes a "+N" mark on each list that grew, until it is visited.
// The desktop app's system notification is main/notify.ts. Off when the notifyNewFlags setting is off.
import { useEffect, useRef, useState } from 'react';
import type { NewFlags } from '../../shared/api.js';
import { openRowsOf, type AppRoute, type Screen } from '../../shared/links.js';
import { api, transport } from './api.js';
import { toast } from './components/ui.js';

export const NOTIFIED_LISTS = ['stuck', 'duplicates', 'mismatches'] as const;
export type NotifiedList = (typeof NOTIFIED_LISTS)[number];
export type FreshCounts = Partial<Record<NotifiedList, number>>;

const WORDS: Record<NotifiedList, { one: string; many: string; open: string }> = {
  stuck: { one: 'new stuck payment', many: 'new stuck payments', open: 'Show stuck payments' },
  duplicates: { one: 'new possible duplicate', many: 'new possible duplicates', open: 'Show duplicates' },
  mismatches: { one: 'new mismatch', many: 'new mismatches', open: 'Show mismatches' },
};

/** "3 new stuck payments, 1 new mismatch", the first list with new rows (sidebar order) and its button's label. */
export function newFlagsWords(flags: NewFlags): { text: string; list: NotifiedList; open: string } | null {
  const lists = NOTIFIED_LISTS.filter((list) => flags[list] > 0);
  if (lists.length === 0) return null;
  const text = lists.map((list) => `${flags[list].toLocaleString('en-US')} ${flags[list] === 1 ? WORDS[list].one : WORDS[list].many}`).join(', ');
  return { text, list: lists[0], open: WORDS[lists[0]].open };
}

/** The lists that grew since they were last shown; `current` is the screen on show (it is cleared as it is visited). */
export function useNewFlags(enabled: boolean, current: Screen, open: (route: AppRoute) => void): FreshCounts {
  const [fresh, setFresh] = useState<FreshCounts>({});
  const latest = useRef({ enabled, current, open });
  latest.current = { enabled, current, open };

  useEffect(
    () =>
      api.on('flags:new', (flags) => {
        if (!flags.auto || !latest.current.enabled) return;
        const words = newFlagsWords(flags);
        if (!words) return;
        setFresh((before) => {
          const next = { ...before };
          for (const list of NOTIFIED_LISTS) if (flags[list] > 0 && list !== latest.current.current) next[list] = (next[list] ?? 0) + flags[list];
          return next;
        });
        if (transport === 'browser')
          toast(words.text, { key: 'new-flags', action: { label: words.open, run: () => latest.current.open(openRowsOf(words.list)) } });
      }),
    [],
  );
  useEffect(() => {
    setFresh((before) => {
      if (!(current in before)) return before;
      const next = { ...before };
      delete next[current as NotifiedList];
      return next;
    });
  }, [current]);
  useEffect(() => {
    if (!enabled) setFresh({});
  }, [enabled]);
  return fresh;
}
