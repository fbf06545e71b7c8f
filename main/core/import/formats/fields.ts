// Field parsers shared by every format: each returns a value or a reason naming the field.
import { isKnownCurrency } from '../../../../shared/currencies.js';
import { parseMinorUnits, parseMoneyIn } from '../../../../shared/money.js';
import { PAYMENT_STATUSES, type PaymentStatus } from '../../../../shared/domain.js';
import { parseExportTime } from '../parse-time.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const fail = (field: string, reason: string): { ok: false; reason: string } => ({ ok: false, reason: `${field}: ${reason}` });

export function requiredText(field: string, value: string): Parsed<string> {
  return value === '' ? fail(field, 'missing') : { ok: true, value };
}

export function currencyField(field: string, value: string): Parsed<string> {
  if (value === '') return fail(field, 'missing');
  if (!isKnownCurrency(value)) return fail(field, `unknown currency "${value}"`);
  return { ok: true, value: value.toLowerCase() };
}

/** An amount from a decimal `amount` column in the currency's major units, or an integer `*_cents` column. */
export function amountField(field: string, value: string, currency: string, inMinorUnits: boolean): Parsed<number> {
  if (value === '') return fail(field, 'missing');
  const result = inMinorUnits ? parseMinorUnits(value) : parseMoneyIn(value, currency);
  return result.ok ? { ok: true, value: result.minor } : fail(field, result.reason);
}

export function timeField(field: string, value: string): Parsed<number> {
  if (value === '') return fail(field, 'missing');
  const result = parseExportTime(value);
  return result.ok ? { ok: true, value: result.ms } : fail(field, result.reason);
}

const CANONICAL_STATUSES = new Set<string>(PAYMENT_STATUSES);

export function canonicalStatusField(field: string, value: string): Parsed<PaymentStatus> {
  if (value === '') return fail(field, 'missing');
  const status = value.toLowerCase();
  if (CANONICAL_STATUSES.has(status)) return { ok: true, value: status as PaymentStatus };
  return fail(field, `unknown status "${value}"`);
}

/** An optional amount: null when the cell is empty; never negative. */
export function optionalAmountField(field: string, value: string, currency: string, inMinorUnits: boolean): Parsed<number | null> {
  if (value === '') return { ok: true, value: null };
  const amount = amountField(field, value, currency, inMinorUnits);
  if (!amount.ok) return amount;
  if (amount.value < 0) return fail(field, 'cannot be negative');
  return amount;
}

export function optionalTimeField(field: string, value: string): Parsed<number | null> {
  return value === '' ? { ok: true, value: null } : timeField(field, value);
}

/** A word such as a payment method or a dispute status: lower case, spaces as underscores, null when empty. */
export function optionalWordField(field: string, value: string): Parsed<string | null> {
  if (value === '') return { ok: true, value: null };
  if (value.length > 64) return fail(field, `not a valid value "${value.slice(0, 64)}…"`);
  return { ok: true, value: value.toLowerCase().replace(/\s+/g, '_') };
}

/** Refunds and disputes as the processor reports them (formats.md), checked against the payment's amount. */
export interface ReturnedMoney {
  amountRefundedCents: number | null;
  refundedAt: number | null;
  disputedAmountCents: number | null;
  disputeStatus: string | null;
  disputedAt: number | null;
}

export function returnedMoneyFields(
  cells: { refunded: [field: string, text: string, inCents: boolean]; refundedAt: [string, string]; disputed: [string, string, boolean]; disputeStatus: [string, string]; disputedAt: [string, string] },
  currency: string,
  amountCents: number,
): Parsed<ReturnedMoney> {
  const refunded = optionalAmountField(cells.refunded[0], cells.refunded[1], currency, cells.refunded[2]);
  if (!refunded.ok) return refunded;
  if (refunded.value !== null && refunded.value > amountCents) return fail(cells.refunded[0], 'more than the payment\'s amount');
  const refundedAt = optionalTimeField(...cells.refundedAt);
  if (!refundedAt.ok) return refundedAt;
  const disputed = optionalAmountField(cells.disputed[0], cells.disputed[1], currency, cells.disputed[2]);
  if (!disputed.ok) return disputed;
  if (disputed.value !== null && disputed.value > amountCents) return fail(cells.disputed[0], 'more than the payment\'s amount');
  const disputeStatus = optionalWordField(...cells.disputeStatus);
  if (!disputeStatus.ok) return disputeStatus;
  const disputedAt = optionalTimeField(...cells.disputedAt);
  if (!disputedAt.ok) return disputedAt;
  return {
    ok: true,
    value: {
      amountRefundedCents: refunded.value,
      refundedAt: refundedAt.value,
      disputedAmountCents: disputed.value,
      disputeStatus: disputeStatus.value,
      disputedAt: disputedAt.value,
    },
  };
}
