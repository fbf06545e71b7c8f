// Decides what a file is from its header. Unknown headers are never guessed at: a saved column mapping for
// exactly that header is the only way in.
import type { RowReader } from '../records.js';
import {
  canonicalColumns,
  hasCanonicalFields,
  LEDGER_FIELDS,
  ledgerReader,
  PAYMENT_FIELDS,
  paymentReader,
  REQUIRED_LEDGER_FIELDS,
  REQUIRED_PAYMENT_FIELDS,
  type ColumnsOf,
} from './canonical.js';
import { HeaderIndex } from './columns.js';
import { recogniseReviews } from './reviews-csv.js';
import { recogniseStripePayments } from './stripe.js';

export interface SavedMapping {
  id: number;
  kind: 'payments' | 'ledger';
  headerSignature: string;
  /** canonical field → column name in the file */
  fields: Record<string, string>;
}

export type Recognition =
  | { ok: true; reader: RowReader }
  | { ok: false; status: 'unrecognised' | 'rejected'; reason: string };

export function recogniseHeader(names: readonly string[], mappings: readonly SavedMapping[]): Recognition {
  const header = new HeaderIndex(names);
  const mapping = mappings.find((m) => m.headerSignature === header.signature());
  if (mapping) return { ok: true, reader: mappedReader(header, mapping) };

  const payments = canonicalColumns(header, PAYMENT_FIELDS);
  if (hasCanonicalFields(payments, REQUIRED_PAYMENT_FIELDS)) return { ok: true, reader: paymentReader('payments.canonical', payments) };
  const ledger = canonicalColumns(header, LEDGER_FIELDS);
  if (hasCanonicalFields(ledger, REQUIRED_LEDGER_FIELDS)) return { ok: true, reader: ledgerReader('ledger.canonical', ledger) };
  const stripe = recogniseStripePayments(header);
  if (stripe.match === 'ok') return { ok: true, reader: stripe.reader };
  if (stripe.match === 'no-id') {
    return {
      ok: false,
      status: 'rejected',
      reason:
        'a Stripe payments export without an "id" column cannot be imported idempotently: export it again with the id column, or save a column mapping that names an id',
    };
  }
  const reviews = recogniseReviews(header);
  if (reviews) return { ok: true, reader: reviews };
  return { ok: false, status: 'unrecognised', reason: 'unrecognised header' };
}

function mappedReader(header: HeaderIndex, mapping: SavedMapping): RowReader {
  const format = `${mapping.kind}.mapping-${mapping.id}`;
  const fields = mapping.kind === 'payments' ? PAYMENT_FIELDS : LEDGER_FIELDS;
  const columns = Object.fromEntries(
    fields.map((field) => [field, mapping.fields[field] === undefined ? -1 : header.find(mapping.fields[field])]),
  );
  return mapping.kind === 'payments'
    ? paymentReader(format, columns as ColumnsOf<(typeof PAYMENT_FIELDS)[number]>)
    : ledgerReader(format, columns as ColumnsOf<(typeof LEDGER_FIELDS)[number]>);
}
