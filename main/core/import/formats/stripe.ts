// The Stripe Dashboard "unified payments" export. Columns are user-chosen, so only id, created, Amount,
// Currency and Status are required; `Status` is the truth (an ACH debit is `Pending` while `Captured` is true).
import type { PaymentStatus } from '../../../../shared/domain.js';
import type { RowOutcome, RowReader } from '../records.js';
import { rowError } from '../records.js';
import { cell, HeaderIndex, orNull } from './columns.js';
import { amountField, currencyField, optionalWordField, returnedMoneyFields, timeField } from './fields.js';

export const STRIPE_PAYMENTS_FORMAT = 'payments.stripe';

const STATUS: Record<string, PaymentStatus> = {
  paid: 'succeeded',
  succeeded: 'succeeded',
  refunded: 'refunded',
  'partially refunded': 'partially_refunded',
  partially_refunded: 'partially_refunded',
  // A disputed charge was paid; the dispute columns say how the dispute stands.
  disputed: 'succeeded',
  pending: 'pending',
  uncaptured: 'pending',
  processing: 'processing',
  requires_capture: 'pending',
  failed: 'failed',
  canceled: 'canceled',
  cancelled: 'canceled',
  requires_payment_method: 'incomplete',
  requires_confirmation: 'incomplete',
  requires_action: 'incomplete',
};

/** A Stripe status word (Dashboard or raw PaymentIntent), matched case-insensitively. */
export function stripeStatus(value: string): PaymentStatus | undefined {
  return STATUS[value.trim().toLowerCase()];
}

const CREATED = ['created date (utc)', 'created (utc)'];

/** Payment Source Type values that are cards paid through 3-D Secure. */
const CARD_SOURCE_TYPES: Record<string, string> = { three_d_secure: 'card', three_d_secure_2: 'card' };

export type StripeRecognition = { match: 'none' } | { match: 'no-id' } | { match: 'ok'; reader: RowReader };

export function recogniseStripePayments(header: HeaderIndex): StripeRecognition {
  const looksLikeStripe =
    header.find(...CREATED) >= 0 && header.has('amount') && header.has('currency') && header.has('status');
  if (!looksLikeStripe) return { match: 'none' };
  if (!header.has('id')) return { match: 'no-id' };
  return { match: 'ok', reader: stripeReader(header) };
}

function stripeReader(header: HeaderIndex): RowReader {
  const c = {
    id: header.find('id'),
    created: header.find(...CREATED),
    amount: header.find('amount'),
    amountRefunded: header.find('amount refunded'),
    currency: header.find('currency'),
    status: header.find('status'),
    intent: header.find('paymentintent id'),
    accountMeta: header.find('account_id (metadata)'),
    customerId: header.find('customer id'),
    email: header.find('customer email'),
    invoice: header.find('invoice id'),
    description: header.find('description'),
    methodMeta: header.find('payment_method_type (metadata)'),
    sourceType: header.find('payment source type'),
    refundedAt: header.find('refunded date (utc)', 'refunded date'),
    disputedAmount: header.find('disputed amount'),
    disputeStatus: header.find('dispute status'),
    disputedAt: header.find('dispute date (utc)', 'dispute date'),
    mode: header.find('mode'),
  };
  return {
    format: STRIPE_PAYMENTS_FORMAT,
    paymentRows: { layout: `${STRIPE_PAYMENTS_FORMAT}\n${JSON.stringify(c)}`, idColumn: c.id },
    read(fields): RowOutcome {
      const id = cell(fields, c.id);
      if (cell(fields, c.mode).toLowerCase() === 'test') return { kind: 'ignored', testMode: true }; // no real money moved
      if (id === '') return { kind: 'ignored' }; // a PaymentIntent that never produced a charge
      const currency = currencyField('Currency', cell(fields, c.currency));
      if (!currency.ok) return rowError(currency.reason);
      const amount = amountField('Amount', cell(fields, c.amount), currency.value, false);
      if (!amount.ok) return rowError(amount.reason);
      if (amount.value < 0) return rowError('Amount: a payment cannot be negative');
      const statusText = cell(fields, c.status);
      if (statusText === '') return rowError('Status: missing');
      let status = stripeStatus(statusText);
      if (!status) return rowError(`Status: unknown status "${statusText}"`);
      const returned = returnedMoneyFields(
        {
          refunded: ['Amount Refunded', cell(fields, c.amountRefunded), false],
          refundedAt: ['Refunded date (UTC)', cell(fields, c.refundedAt)],
          disputed: ['Disputed Amount', cell(fields, c.disputedAmount), false],
          disputeStatus: ['Dispute Status', cell(fields, c.disputeStatus)],
          disputedAt: ['Dispute Date (UTC)', cell(fields, c.disputedAt)],
        },
        currency.value,
        amount.value,
      );
      if (!returned.ok) return rowError(returned.reason);
      const refunded = returned.value.amountRefundedCents ?? 0;
      if (status === 'succeeded' && refunded > 0) status = refunded >= amount.value ? 'refunded' : 'partially_refunded';
      const method = optionalWordField('Payment Source Type', cell(fields, c.methodMeta) || cell(fields, c.sourceType));
      if (!method.ok) return rowError(method.reason);
      const created = timeField('Created date (UTC)', cell(fields, c.created));
      if (!created.ok) return rowError(created.reason);
      const email = orNull(cell(fields, c.email));
      const accountId =
        orNull(cell(fields, c.accountMeta)) ?? orNull(cell(fields, c.customerId)) ?? (email === null ? null : email.toLowerCase());
      return {
        kind: 'payment',
        payment: {
          id,
          altId: orNull(cell(fields, c.intent)),
          accountId,
          amountCents: amount.value,
          currency: currency.value,
          status,
          createdAt: created.value,
          updatedAt: created.value,
          invoiceId: orNull(cell(fields, c.invoice)),
          email,
          description: orNull(cell(fields, c.description)),
          method: method.value === null ? null : (CARD_SOURCE_TYPES[method.value] ?? method.value),
          ...returned.value,
        },
      };
    },
  };
}
