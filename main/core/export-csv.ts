// CSV exports of the flag lists and reviews, safe to open in a spreadsheet: a text cell that a spreadsheet
// would run as a formula gets a leading apostrophe (plain signed numbers are left alone).
import fs from 'node:fs';
import Papa from 'papaparse';
import { currencyExponent } from '../../shared/currencies.js';
import type { FlagsResult, Followup, Review } from '../../shared/domain.js';
import { ageInWords } from '../../shared/format.js';
import { formatMinor } from '../../shared/money.js';

// A formula start, unless the cell is a plain signed number; and text that already looks neutralised (apostrophes
// before a formula start), so that reading our CSV back can always drop exactly one apostrophe (reviews-csv.ts).
const FORMULA = /^(?:[=+\-@\t\r\n|%](?!\d+(\.\d+)?$)|'+[=+\-@\t\r\n|%])/;

export type ExportKind = 'stuck' | 'duplicates' | 'limited' | 'mismatches' | 'reviews';

export function toCsv(rows: Record<string, string | number | boolean | null>[], columns: readonly string[]): string {
  const text = Papa.unparse({ fields: [...columns], data: rows.map((row) => columns.map((c) => row[c] ?? '')) }, { escapeFormulae: FORMULA, newline: '\r\n' });
  // Papa ends a header-only CSV with a line break already; another would read as one empty row.
  return rows.length === 0 ? text : text + '\r\n';
}

const money = (cents: number, currency: string) => formatMinor(cents, currencyExponent(currency) ?? 2);

export function flagRows(kind: Exclude<ExportKind, 'reviews'>, flags: FlagsResult, reviews: Map<string, Review>) {
  const review = (key: string) => ({ review_decision: reviews.get(key)?.decision ?? '', review_note: reviews.get(key)?.note ?? '' });
  switch (kind) {
    case 'stuck':
      return {
        columns: [
          'payment_id', 'account_id', 'stage', 'method', 'status', 'amount', 'amount_cents', 'currency', 'created_at', 'age_seconds', 'age',
          'stuck_after_minutes', 'email', 'invoice_id', 'later_payments', 'review_decision', 'review_note',
        ],
        rows: (flags.stuck ?? []).map((s) => ({
          payment_id: s.paymentId, account_id: s.accountId ?? '', stage: s.stage, method: s.method ?? '', status: s.status, amount: money(s.amountCents, s.currency),
          amount_cents: s.amountCents, currency: s.currency, created_at: s.createdAt, age_seconds: s.ageSeconds, age: ageInWords(s.ageSeconds),
          stuck_after_minutes: s.stuckAfterMinutes,
          email: s.email, invoice_id: s.invoiceId, later_payments: s.laterPayments, ...review(s.paymentId),
        })),
      };
    case 'duplicates':
      return {
        columns: ['key', 'account_id', 'currency', 'amount', 'amount_cents', 'payments', 'payment_ids', 'extra_amount', 'while_pending', 'first_created_at', 'last_created_at', 'review_decision', 'review_note'],
        rows: (flags.duplicates ?? []).map((d) => ({
          key: d.key, account_id: d.accountId, currency: d.currency, amount: money(d.amountCents, d.currency), amount_cents: d.amountCents,
          payments: d.paymentIds.length, payment_ids: d.paymentIds.join(' '), extra_amount: money(d.extraCents, d.currency),
          while_pending: d.whilePending, first_created_at: d.firstCreatedAt, last_created_at: d.lastCreatedAt, ...review(d.key),
        })),
      };
    case 'limited':
      return {
        columns: ['account_id', 'currency', 'balance', 'free', 'purchased', 'missing', 'balance_cents', 'free_cents', 'purchased_cents', 'missing_cents', 'unlock_payment_id', 'review_decision', 'review_note'],
        rows: (flags.limited ?? []).map((l) => ({
          account_id: l.accountId, currency: l.currency, balance: money(l.balanceCents, l.currency), free: money(l.freeCents, l.currency),
          purchased: money(l.purchasedCents, l.currency), missing: money(l.missingCents, l.currency), balance_cents: l.balanceCents,
          free_cents: l.freeCents, purchased_cents: l.purchasedCents, missing_cents: l.missingCents, unlock_payment_id: l.unlockPaymentId, ...review(l.accountId),
        })),
      };
    case 'mismatches':
      return {
        columns: ['key', 'kind', 'payment_id', 'account_id', 'email', 'currency', 'amount', 'amount_cents', 'credited_cents', 'reversed_cents', 'returned_cents', 'delta', 'delta_cents', 'entry_ids', 'status', 'created_at', 'returned_at', 'review_decision', 'review_note'],
        rows: (flags.mismatches ?? []).map((m) => ({
          key: m.key, kind: m.kind, payment_id: m.paymentId, account_id: m.accountId ?? '', email: m.email, currency: m.currency,
          amount: money(m.amountCents, m.currency), amount_cents: m.amountCents, credited_cents: m.creditedCents, reversed_cents: m.reversedCents,
          returned_cents: m.returnedCents, delta: m.deltaCents === null ? '' : money(m.deltaCents, m.currency), delta_cents: m.deltaCents,
          entry_ids: m.entryIds.join(' '), status: m.status ?? '', created_at: m.createdAt, returned_at: m.returnedAt ?? '', ...review(m.key),
        })),
      };
  }
}

export const FOLLOWUP_EXPORT_COLUMNS = ['list', 'key', 'account_id', 'decision', 'state', 'decided_at', 'by', 'note', 'detail'] as const;

export function followupRows(followups: readonly Followup[]) {
  return followups.map((f) => ({
    list: f.list, key: f.key, account_id: f.accountId ?? '', decision: f.decision, state: f.state, decided_at: f.decidedAt, by: f.by, note: f.note,
    detail: f.detail,
  }));
}

export const REVIEW_EXPORT_COLUMNS = ['kind', 'key', 'decision', 'note', 'reviewer', 'decided_at'] as const;

export function reviewRows(reviews: readonly Review[]) {
  return reviews.map((r) => ({ kind: r.kind, key: r.key, decision: r.decision, note: r.note, reviewer: r.reviewer, decided_at: r.decidedAt }));
}

/** Writes a file readable by its owner only (it holds customer emails). */
export function writePrivateFile(file: string, content: string): void {
  fs.writeFileSync(file, content, { mode: 0o600 });
  if (process.platform !== 'win32') fs.chmodSync(file, 0o600);
}
