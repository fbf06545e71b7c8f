// Where a follow-up stands, in words (rules.md §5).
import type { FlagKind, Followup, MismatchKind } from '../../../../shared/domain.js';
import { MISMATCH_KIND_WORDS } from '../mismatches/words.js';

export const LIST_WORDS: Record<FlagKind, string> = {
  stuck: 'Stuck payment',
  duplicates: 'Duplicate purchase',
  limited: 'Limited account',
  mismatches: 'Mismatch',
};

/** A flag's key as people read it: a cluster's payments with commas, a mismatch's kind in words before its payment. */
export function keyInWords(list: FlagKind, key: string): string {
  if (list === 'duplicates') return key.split('|').join(', ');
  if (list === 'mismatches') {
    const at = key.indexOf(':');
    const kind = key.slice(0, at) as MismatchKind;
    if (at > 0 && kind in MISMATCH_KIND_WORDS) return `${MISMATCH_KIND_WORDS[kind]}: ${key.slice(at + 1)}`;
  }
  return key;
}

const WAITING_FOR: Record<FlagKind, string> = {
  duplicates: 'Waiting for the refund',
  stuck: 'Waiting: still stuck',
  limited: 'Waiting: still Limited',
  mismatches: 'Waiting',
};

export function followupStateWords(f: Pick<Followup, 'list' | 'state'>): string {
  if (f.state === 'refunded_not_reversed') return 'Refunded, credits not taken back';
  if (f.state === 'done') return 'Done';
  return WAITING_FOR[f.list];
}

export const followupTone = (f: Pick<Followup, 'state'>): 'amber' | 'red' | 'green' =>
  f.state === 'refunded_not_reversed' ? 'red' : f.state === 'done' ? 'green' : 'amber';
