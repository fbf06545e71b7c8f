// Ready replies for tickets, in plain words. Customers read these: no rule names, no jargon.
import type { DuplicateCluster, LimitedAccount, Mismatch, StuckPayment } from '../../../shared/domain.js';
import { ageInWords } from '../../../shared/format.js';
import { formatMoney } from '../../../shared/money.js';

/** "2026-11-19 06:17 UTC": unambiguous for a customer in any zone. */
export const utcWords = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

const DO_NOT_PAY_AGAIN =
  'Please do not pay again: every payment is a separate purchase, so paying again would buy a second credit pack.';

export function limitedExplanation(account: LimitedAccount, thresholdCents: number): string {
  const money = (cents: number) => formatMoney(cents, account.currency);
  const parts = [
    `Your account ${account.accountId} has ${money(account.balanceCents)} of credits, but API access (Build Tier 1) unlocks only after ${money(thresholdCents)} of purchased credits, and free credits do not count towards it.`,
    `So far ${money(account.purchasedCents)} has been purchased and ${money(account.freeCents)} was granted as free credits, so ${money(account.missingCents)} more in purchased credits will unlock API access.`,
  ];
  if (account.unlockPaymentId) {
    parts.push(`Your payment ${account.unlockPaymentId} is still being processed; the account will unlock once it completes. ${DO_NOT_PAY_AGAIN}`);
  }
  return parts.join(' ');
}

export function stuckReply(payment: StuckPayment): string {
  const what = `Your payment ${payment.paymentId} of ${formatMoney(payment.amountCents, payment.currency)} made at ${utcWords(payment.createdAt)}`;
  if (payment.stage === 'processor') {
    return `${what} is still being confirmed by the payment processor and your bank (${ageInWords(payment.ageSeconds)} so far; normally this takes under a minute). Your balance will update by itself as soon as it goes through. ${DO_NOT_PAY_AGAIN}`;
  }
  return `${what} went through${payment.invoiceId ? ` (invoice ${payment.invoiceId})` : ''}, but the credits have not been added to your balance yet. We are adding them now; there is nothing you need to do. ${DO_NOT_PAY_AGAIN}`;
}

export function duplicateReply(cluster: DuplicateCluster, createdAt: Map<string, string>): string {
  const amount = formatMoney(cluster.amountCents, cluster.currency);
  const list = cluster.paymentIds.map((id) => `${id} at ${utcWords(createdAt.get(id) ?? '')}`).join(', ');
  const count = cluster.paymentIds.length;
  const extra = formatMoney(cluster.extraCents, cluster.currency);
  const why = cluster.whilePending
    ? ' The later payment was made while the earlier one was still being processed, which usually means it was not meant as a second purchase.'
    : '';
  return `We can see ${count} payments of ${amount} each on your account ${cluster.accountId}: ${list}. Every payment is a separate purchase, so ${count - 1 === 1 ? 'the extra payment' : 'the extra payments'} bought ${count - 1 === 1 ? 'a second credit pack' : 'more credit packs'} (${extra} in total).${why} If you did not mean to buy ${count - 1 === 1 ? 'it' : 'them'}, reply to this message and we will refund ${extra}.`;
}

const ENTRIES = (ids: readonly string[]) => (ids.length === 0 ? '' : ` (ledger ${ids.length === 1 ? 'entry' : 'entries'} ${ids.join(', ')})`);

/** A ready note for finance on a mismatch: what the two sides say and what to do in the ledger. */
export function mismatchNote(m: Mismatch, creditedCurrency: string | null): string {
  const money = (cents: number) => formatMoney(cents, m.currency);
  const account = m.accountId === null ? 'no account' : `account ${m.accountId}`;
  const delta = m.deltaCents === null ? '' : money(Math.abs(m.deltaCents));
  switch (m.kind) {
    case 'credited_twice':
      return `Payment ${m.paymentId} (${money(m.amountCents)}, ${account}) was credited more than once: ${money(m.creditedCents)} of credits in total${ENTRIES(m.entryIds)}. Take back ${delta} of credits so that they match the payment.`;
    case 'amount_differs':
      if (m.deltaCents === null) {
        return `Payment ${m.paymentId} (${money(m.amountCents)}, ${account}) was credited in ${(creditedCurrency ?? '?').toUpperCase()} instead of ${m.currency.toUpperCase()}${ENTRIES(m.entryIds)}. Check the conversion and correct the credit.`;
      }
      return `Payment ${m.paymentId} (${account}) charged ${money(m.amountCents)} but ${money(m.creditedCents)} of credits were granted${ENTRIES(m.entryIds)}. ${m.deltaCents > 0 ? `Take back ${delta} of credits.` : `Add the missing ${delta} of credits.`}`;
    case 'credited_not_paid':
      return `Payment ${m.paymentId} (${money(m.amountCents)}, ${account}) is ${m.status} at the processor, so no money was kept, yet ${money(m.creditedCents)} of credits were granted${ENTRIES(m.entryIds)}. Take back ${delta} of credits.`;
    case 'refund_not_reversed':
      return `Payment ${m.paymentId} (${money(m.amountCents)}, ${account}) had ${money(m.returnedCents)} returned to the customer${m.returnedAt ? ` on ${utcWords(m.returnedAt)}` : ''}, but only ${money(m.reversedCents)} of its ${money(m.creditedCents)} of credits were taken back${ENTRIES(m.entryIds)}. Reverse ${delta} of credits.`;
    case 'unknown_payment':
      return `Ledger entry ${m.entryIds[0]} granted ${money(m.creditedCents)} of credits to ${account} for payment ${m.paymentId}, which is in no imported processor export although it falls inside the period the exports cover. Look the payment up at the processor; if it does not exist, take the ${money(m.creditedCents)} of credits back.`;
  }
}
