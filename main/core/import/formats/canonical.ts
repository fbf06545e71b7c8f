// The canonical payments and ledger exports (formats.md), also used for files read through a saved column
// mapping and for JSON Lines: each reader takes the column index of every canonical field.
import { LEDGER_TYPES, type LedgerType } from '../../../../shared/domain.js';
import type { RowOutcome, RowReader } from '../records.js';
import { rowError } from '../records.js';
import { cell, HeaderIndex, orNull } from './columns.js';
import { amountField, canonicalStatusField, currencyField, optionalWordField, requiredText, returnedMoneyFields, timeField } from './fields.js';
import { stripeStatus } from './stripe.js';

export const PAYMENT_FIELDS = [
  'payment_id',
  'account_id',
  'amount',
  'amount_cents',
  'currency',
  'status',
  'created_at',
  'updated_at',
  'invoice_id',
  'email',
  'description',
  'alt_id',
  'payment_method',
  'amount_refunded',
  'amount_refunded_cents',
  'refunded_at',
  'disputed_amount',
  'disputed_amount_cents',
  'dispute_status',
  'disputed_at',
] as const;
export type PaymentField = (typeof PAYMENT_FIELDS)[number];
export const REQUIRED_PAYMENT_FIELDS: readonly PaymentField[] = ['payment_id', 'account_id', 'currency', 'status', 'created_at'];

export const LEDGER_FIELDS = ['entry_id', 'account_id', 'type', 'amount', 'amount_cents', 'currency', 'created_at', 'payment_id'] as const;
export type LedgerField = (typeof LEDGER_FIELDS)[number];
export const REQUIRED_LEDGER_FIELDS: readonly LedgerField[] = ['entry_id', 'account_id', 'type', 'currency', 'created_at'];

export type ColumnsOf<F extends string> = Record<F, number>;

/** Column indices for the canonical fields of a header, looked up by their own names. */
export function canonicalColumns<F extends string>(header: HeaderIndex, fields: readonly F[]): ColumnsOf<F> {
  return Object.fromEntries(fields.map((field) => [field, header.find(field)])) as ColumnsOf<F>;
}

export function hasCanonicalFields<F extends string>(columns: ColumnsOf<F>, required: readonly F[]): boolean {
  const amount = (columns as Record<string, number>).amount >= 0 || (columns as Record<string, number>).amount_cents >= 0;
  return amount && required.every((field) => columns[field] >= 0);
}

export function paymentReader(format: string, c: ColumnsOf<PaymentField>): RowReader {
  return {
    format,
    paymentRows: { layout: `${format}\n${JSON.stringify(c)}`, idColumn: c.payment_id },
    read(fields): RowOutcome {
      const id = requiredText('payment_id', cell(fields, c.payment_id));
      if (!id.ok) return rowError(id.reason);
      const account = requiredText('account_id', cell(fields, c.account_id));
      if (!account.ok) return rowError(account.reason);
      const currency = currencyField('currency', cell(fields, c.currency));
      if (!currency.ok) return rowError(currency.reason);
      const inCents = c.amount_cents >= 0;
      const amount = amountField(inCents ? 'amount_cents' : 'amount', cell(fields, inCents ? c.amount_cents : c.amount), currency.value, inCents);
      if (!amount.ok) return rowError(amount.reason);
      if (amount.value < 0) return rowError('amount: a payment cannot be negative');
      const rawStatus = cell(fields, c.status);
      let status = canonicalStatusField('status', rawStatus);
      const mapped = status.ok ? undefined : stripeStatus(rawStatus);
      if (mapped) status = { ok: true, value: mapped };
      if (!status.ok) return rowError(status.reason);
      const created = timeField('created_at', cell(fields, c.created_at));
      if (!created.ok) return rowError(created.reason);
      const updatedText = cell(fields, c.updated_at);
      const updated = updatedText === '' ? created : timeField('updated_at', updatedText);
      if (!updated.ok) return rowError(updated.reason);
      const method = optionalWordField('payment_method', cell(fields, c.payment_method));
      if (!method.ok) return rowError(method.reason);
      // Per row, so that JSON Lines may give either form: the `_cents` value when there is one.
      const refundedInCents = cell(fields, c.amount_refunded_cents) !== '';
      const disputedInCents = cell(fields, c.disputed_amount_cents) !== '';
      const returned = returnedMoneyFields(
        {
          refunded: [
            refundedInCents ? 'amount_refunded_cents' : 'amount_refunded',
            cell(fields, refundedInCents ? c.amount_refunded_cents : c.amount_refunded),
            refundedInCents,
          ],
          refundedAt: ['refunded_at', cell(fields, c.refunded_at)],
          disputed: [
            disputedInCents ? 'disputed_amount_cents' : 'disputed_amount',
            cell(fields, disputedInCents ? c.disputed_amount_cents : c.disputed_amount),
            disputedInCents,
          ],
          disputeStatus: ['dispute_status', cell(fields, c.dispute_status)],
          disputedAt: ['disputed_at', cell(fields, c.disputed_at)],
        },
        currency.value,
        amount.value,
      );
      if (!returned.ok) return rowError(returned.reason);
      return {
        kind: 'payment',
        payment: {
          id: id.value,
          altId: orNull(cell(fields, c.alt_id)),
          accountId: account.value,
          amountCents: amount.value,
          currency: currency.value,
          status: status.value,
          createdAt: created.value,
          updatedAt: updated.value,
          invoiceId: orNull(cell(fields, c.invoice_id)),
          email: orNull(cell(fields, c.email)),
          description: orNull(cell(fields, c.description)),
          method: method.value,
          ...returned.value,
        },
      };
    },
  };
}

const LEDGER_TYPE_SET = new Set<string>(LEDGER_TYPES);
const NEEDS_PAYMENT = new Set<LedgerType>(['credit_purchased', 'refund']);
const SIGN: Partial<Record<LedgerType, 1 | -1>> = { credit_free: 1, credit_purchased: 1, usage: -1, refund: -1 };

export function ledgerReader(format: string, c: ColumnsOf<LedgerField>): RowReader {
  return {
    format,
    read(fields): RowOutcome {
      const id = requiredText('entry_id', cell(fields, c.entry_id));
      if (!id.ok) return rowError(id.reason);
      const account = requiredText('account_id', cell(fields, c.account_id));
      if (!account.ok) return rowError(account.reason);
      const typeText = cell(fields, c.type).toLowerCase();
      if (typeText === '') return rowError('type: missing');
      if (!LEDGER_TYPE_SET.has(typeText)) return rowError(`type: unknown ledger entry type "${cell(fields, c.type)}"`);
      const type = typeText as LedgerType;
      const currency = currencyField('currency', cell(fields, c.currency));
      if (!currency.ok) return rowError(currency.reason);
      const inCents = c.amount_cents >= 0;
      const amount = amountField(inCents ? 'amount_cents' : 'amount', cell(fields, inCents ? c.amount_cents : c.amount), currency.value, inCents);
      if (!amount.ok) return rowError(amount.reason);
      const sign = SIGN[type];
      if (sign !== undefined && amount.value !== 0 && Math.sign(amount.value) !== sign) {
        return rowError(`amount: a ${type} entry must be ${sign > 0 ? 'positive' : 'negative'}`);
      }
      const created = timeField('created_at', cell(fields, c.created_at));
      if (!created.ok) return rowError(created.reason);
      const paymentId = orNull(cell(fields, c.payment_id));
      if (paymentId === null && NEEDS_PAYMENT.has(type)) return rowError(`payment_id: missing (required for ${type})`);
      return {
        kind: 'ledger',
        entry: {
          id: id.value,
          accountId: account.value,
          type,
          amountCents: amount.value,
          currency: currency.value,
          createdAt: created.value,
          paymentId,
        },
      };
    },
  };
}
