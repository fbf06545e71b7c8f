// Money is integer minor units everywhere. Decimal strings are converted digit by digit, never through a float.
import { currencyExponent } from './currencies.js';

export type MoneyResult = { ok: true; minor: number } | { ok: false; reason: string };

const DECIMAL = /^(-)?(\d{1,3}(?:,\d{3})+|\d*)(?:\.(\d*))?$/;

/** Parses `10`, `10.5`, `1,234.56`, `-3.00` in major units into minor units of a currency with `exponent` digits. */
export function parseDecimalMoney(text: string, exponent: number): MoneyResult {
  const plain = plainDecimalMinor(text, exponent);
  if (plain !== undefined) return { ok: true, minor: plain };
  const match = DECIMAL.exec(text.trim());
  if (!match) return { ok: false, reason: `not a decimal amount: "${text}"` };
  const [, minus, whole = '', fraction = ''] = match;
  const integerDigits = whole.replace(/,/g, '');
  if (integerDigits === '' && fraction === '') return { ok: false, reason: `not a decimal amount: "${text}"` };
  if (fraction.length > exponent) {
    return { ok: false, reason: `more decimals than the currency allows (${exponent})` };
  }
  return toMinor(minus === '-', integerDigits + fraction.padEnd(exponent, '0'));
}

/** Most digits a plain amount may have, counting the fraction padded to the exponent, to be read exactly here. */
const PLAIN_DIGITS = 15;

/**
 * What nearly every export writes, read digit by digit without a regular expression: an optional minus, digits,
 * and optionally a point and at most `exponent` digits (`1234.56`, `-3.00`, `5`). Undefined for anything else
 * (spaces, thousands separators, too many decimals or digits, no digit at all), which parseDecimalMoney's general
 * path reads and explains.
 */
function plainDecimalMinor(text: string, exponent: number): number | undefined {
  const n = text.length;
  let i = n > 0 && text.charCodeAt(0) === 0x2d ? 1 : 0;
  const negative = i === 1;
  let value = 0;
  let digits = 0;
  let fraction = -1; // digits after the point, once there is one
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e && fraction < 0) {
      fraction = 0;
      continue;
    }
    const digit = c - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
    digits++;
    if (fraction >= 0) fraction++;
  }
  const decimals = Math.max(fraction, 0);
  if (digits === 0 || decimals > exponent || digits - decimals + exponent > PLAIN_DIGITS) return undefined;
  for (let d = decimals; d < exponent; d++) value *= 10;
  return negative && value !== 0 ? -value : value;
}

/** Parses an integer count of minor units (a `*_cents` column). */
export function parseMinorUnits(text: string): MoneyResult {
  const match = /^(-)?(\d+)$/.exec(text.trim());
  if (!match) return { ok: false, reason: `not a whole number of minor units: "${text}"` };
  return toMinor(match[1] === '-', match[2]);
}

/** Parses an amount in a named currency; the error says which currency's rule was broken. */
export function parseMoneyIn(text: string, currency: string): MoneyResult {
  const exponent = currencyExponent(currency);
  if (exponent === undefined) return { ok: false, reason: `unknown currency "${currency}"` };
  const result = parseDecimalMoney(text, exponent);
  if (!result.ok && result.reason.startsWith('more decimals')) {
    return { ok: false, reason: `more decimals than ${currency.trim().toLowerCase()} allows (${exponent})` };
  }
  return result;
}

const MAX_SAFE_DIGITS = String(Number.MAX_SAFE_INTEGER);

function toMinor(negative: boolean, digits: string): MoneyResult {
  const trimmed = digits.replace(/^0+(?=\d)/, '');
  // Digit strings of one length compare as their numbers do.
  if (trimmed.length > MAX_SAFE_DIGITS.length || (trimmed.length === MAX_SAFE_DIGITS.length && trimmed > MAX_SAFE_DIGITS)) {
    return { ok: false, reason: 'amount too large' };
  }
  const value = Number(trimmed);
  return { ok: true, minor: negative && value !== 0 ? -value : value };
}

/** Formats minor units as a plain decimal string in major units: 123456, 2 → "1234.56"; -5, 2 → "-0.05". */
export function formatMinor(minor: number, exponent: number): string {
  const negative = minor < 0;
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = exponent > 0 ? '.' + digits.slice(digits.length - exponent) : '';
  return (negative ? '-' : '') + whole + fraction;
}

/** Formats an amount for people: "1,234.56 USD". */
export function formatMoney(minor: number, currency: string): string {
  const exponent = currencyExponent(currency) ?? 2;
  const plain = formatMinor(minor, exponent);
  const [whole, fraction] = plain.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${grouped}${fraction !== undefined ? '.' + fraction : ''} ${currency.toUpperCase()}`;
}
