// A mismatch in plain words: its kind, and what the delta means for the account (rules.md §4).
import type { Mismatch, MismatchKind } from '../../../../shared/domain.js';
import { formatMoney } from '../../../../shared/money.js';

export const MISMATCH_KIND_WORDS: Record<MismatchKind, string> = {
  credited_twice: 'Credited twice',
  amount_differs: 'Amount differs',
  credited_not_paid: 'Credited but not paid',
  refund_not_reversed: 'Refund not reversed',
  unknown_payment: 'Credits for an unknown payment',
};

/** What the finance reviewer is told each kind means, on hover and in the filter. */
export const MISMATCH_KIND_HINTS: Record<MismatchKind, string> = {
  credited_twice: 'Two or more credit entries for one payment',
  amount_differs: "The credit entry's amount or currency is not the payment's",
  credited_not_paid: 'Credits were added for a payment that failed, was canceled or never completed',
  refund_not_reversed: 'Money went back to the customer, but the credits were not taken back',
  unknown_payment: 'A credit entry names a payment that is not in the payments export',
};

export type DeltaSense = 'over' | 'owed' | 'even' | 'other-currency';

export function deltaSense(deltaCents: number | null): DeltaSense {
  if (deltaCents === null) return 'other-currency';
  return deltaCents > 0 ? 'over' : deltaCents < 0 ? 'owed' : 'even';
}

/** The signed amount alone: "+10.00 USD", "−5.00 USD" (a real minus sign), "0.00 USD". */
export function signedMoney(cents: number, currency: string): string {
  const text = formatMoney(Math.abs(cents), currency);
  return cents > 0 ? `+${text}` : cents < 0 ? `−${text}` : text;
}

/** "+10.00 USD over-credited", "−5.00 USD owed", "— (other currency)". */
export function deltaInWords(deltaCents: number | null, currency: string): string {
  const sense = deltaSense(deltaCents);
  if (sense === 'other-currency' || deltaCents === null) return '— (other currency)';
  const amount = signedMoney(deltaCents, currency);
  return sense === 'over' ? `${amount} over-credited` : sense === 'owed' ? `${amount} owed` : `${amount}, even`;
}

export const deltaNote: Record<DeltaSense, string> = {
  over: 'over-credited',
  owed: 'owed',
  even: 'even',
  'other-currency': 'other currency',
};

/** The amount at stake, as the list sorts by it: abs(delta), or the credited amount across currencies. */
export const stakeCents = (m: Pick<Mismatch, 'deltaCents' | 'creditedCents'>) => (m.deltaCents === null ? m.creditedCents : Math.abs(m.deltaCents));
