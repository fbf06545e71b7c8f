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
