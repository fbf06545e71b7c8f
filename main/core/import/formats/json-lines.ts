// JSON Lines: one object per line with the canonical field names, `kind: "payment" | "ledger"` on the line or
// `payment` / `ledger` in the file name. Numbers are read through their shortest decimal form, never scaled.
import type { RowOutcome, RowReader } from '../records.js';
import { rowError } from '../records.js';
import { LEDGER_FIELDS, ledgerReader, PAYMENT_FIELDS, paymentReader, type ColumnsOf } from './canonical.js';

// Each line's fields are laid out in canonical order; a line gives either `amount` or `amount_cents`.
const positions = <F extends string>(fields: readonly F[], without: F) =>
  Object.fromEntries(fields.map((field, i) => [field, field === without ? -1 : i])) as ColumnsOf<F>;

const readers = {
  payment: {
    cents: paymentReader('payments.jsonl', positions(PAYMENT_FIELDS, 'amount')),
    decimal: paymentReader('payments.jsonl', positions(PAYMENT_FIELDS, 'amount_cents')),
  },
  ledger: {
    cents: ledgerReader('ledger.jsonl', positions(LEDGER_FIELDS, 'amount')),
    decimal: ledgerReader('ledger.jsonl', positions(LEDGER_FIELDS, 'amount_cents')),
  },
};

export function jsonLinesReader(fileName: string): RowReader {
  const name = fileName.toLowerCase();
  const kindFromName = name.includes('ledger') ? 'ledger' : name.includes('payment') ? 'payment' : undefined;
  return {
    format: kindFromName ? `${kindFromName === 'ledger' ? 'ledger' : 'payments'}.jsonl` : 'jsonl',
    read([line]): RowOutcome {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        return rowError(`not valid JSON: ${(error as Error).message}`);
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return rowError('not a JSON object');
      const object = value as Record<string, unknown>;
      const kind = object.kind ?? kindFromName;
      const amountIn = object.amount_cents !== undefined && object.amount_cents !== null ? 'cents' : 'decimal';
      try {
        if (kind === 'payment') return readers.payment[amountIn].read(PAYMENT_FIELDS.map((field) => text(object[field])));
        if (kind === 'ledger') return readers.ledger[amountIn].read(LEDGER_FIELDS.map((field) => text(object[field])));
      } catch (error) {
        // JSON.stringify of a value nested thousands deep overflows the stack: that line is unreadable, not the sync.
        return rowError(`a value cannot be read: ${(error as Error).message}`);
      }
      return rowError(`kind: must be "payment" or "ledger"${kind === undefined ? ' (or name the file after one)' : `, not ${JSON.stringify(kind)}`}`);
    },
  };
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'NaN';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
