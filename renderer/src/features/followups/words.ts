// Where a follow-up stands, in words (rules.md §5).
import type { FlagKind, Followup } from '../../../../shared/domain.js';

export const LIST_WORDS: Record<FlagKind, string> = {
  stuck: 'Stuck payment',
  duplicates: 'Duplicate purchase',
  limited: 'Limited account',
  mismatches: 'Mismatch',
};

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
