// Human-readable output of the CLI.
import type { FlagsResult, Followup, ImportFileReport, Mismatch } from '../../shared/domain.js';
import { ageInWords } from '../../shared/format.js';
import { formatMoney } from '../../shared/money.js';
import type { AccountView } from '../core/account.js';
import { renderTable } from './table.js';

export function printImportReports(reports: readonly ImportFileReport[], out: (text: string) => void): void {
  for (const r of reports) {
    const ignored = r.testModeRows ? `${r.ignored} ignored (${r.testModeRows} test-mode)` : `${r.ignored} ignored`;
    const counts = `${r.rows} rows: ${r.inserted} inserted, ${r.updated} updated, ${r.unchanged} unchanged, ${ignored}, ${r.rejected} rejected, ${r.conflicts} conflicts`;
    out(`${r.status.padEnd(12)} ${r.path}${r.format ? ` [${r.format}]` : ''}`);
    if (r.status === 'imported') out(`             ${counts} (${r.durationMs} ms)`);
    if (r.reason) out(`             ${r.reason}`);
    if (r.header) out(`             header: ${r.header}`);
    for (const e of r.errors.slice(0, 10)) out(`             line ${e.line}: ${e.reason}`);
    if (r.errors.length > 10) out(`             … and ${r.rejected - 10} more rejected rows`);
  }
}

export function printFlags(flags: FlagsResult, out: (text: string) => void): void {
  out(`As of ${flags.asOf}`);
  for (const notice of flags.notices) out(`Note: ${notice.message}`);
  if (flags.stuck) {
    out(`\nStuck payments (${flags.stuck.length})`);
    out(
      renderTable(
        ['payment', 'account', 'stage', 'method', 'amount', 'age', 'stuck after', 'email', 'invoice', 'paid again'],
        flags.stuck.map((s) => [
          s.paymentId, s.accountId ?? 'no account', s.stage, s.method ?? 'unknown', formatMoney(s.amountCents, s.currency), ageInWords(s.ageSeconds),
          ageInWords(s.stuckAfterMinutes * 60), s.email, s.invoiceId, s.laterPayments ? `yes (${s.laterPayments})` : 'no',
        ]),
      ),
    );
  }
  if (flags.duplicates) {
    out(`\nPossible duplicate purchases (${flags.duplicates.length})`);
    out(
      renderTable(
        ['account', 'amount', 'payments', 'while pending', 'first', 'key'],
        flags.duplicates.map((d) => [d.accountId, formatMoney(d.amountCents, d.currency), d.paymentIds.length, d.whilePending ? 'yes' : 'no', d.firstCreatedAt, d.key]),
      ),
    );
  }
  if (flags.limited) {
    out(`\nCredits but still Limited (${flags.limited.length})`);
    out(
      renderTable(
        ['account', 'balance', 'free', 'purchased', 'missing', 'will unlock once'],
        flags.limited.map((l) => [l.accountId, formatMoney(l.balanceCents, l.currency), formatMoney(l.freeCents, l.currency), formatMoney(l.purchasedCents, l.currency), formatMoney(l.missingCents, l.currency), l.unlockPaymentId ? `payment ${l.unlockPaymentId} completes` : '']),
      ),
    );
  }
  if (flags.mismatches) {
    out(`\nMismatches: processor and ledger disagree (${flags.mismatches.length})`);
    out(mismatchTable(flags.mismatches));
  }
}

/** Delta: credits held beyond what the money kept pays for (+ over-credited, − owed to the customer). */
function mismatchTable(mismatches: readonly Mismatch[]): string {
  const money = (cents: number, m: Mismatch) => formatMoney(cents, m.currency);
  return renderTable(
    ['kind', 'payment', 'account', 'amount', 'credited', 'reversed', 'returned', 'delta', 'key'],
    mismatches.map((m) => [
      m.kind, m.paymentId, m.accountId ?? 'no account', money(m.amountCents, m), money(m.creditedCents, m), money(m.reversedCents, m),
      money(m.returnedCents, m), m.deltaCents === null ? 'other currency' : signed(m.deltaCents, m.currency), m.key,
    ]),
  );
}

const signed = (cents: number, currency: string) => (cents > 0 ? `+${formatMoney(cents, currency)}` : formatMoney(cents, currency));

export function printFollowups(followups: readonly Followup[], out: (text: string) => void, now = Date.now()): void {
  out(`Follow-ups: decisions still waiting for their action (${followups.length})`);
  if (followups.length === 0) return;
  out(
    renderTable(
      ['list', 'key', 'decision', 'state', 'decided', 'by', 'what the data shows'],
      followups.map((f) => [f.list, f.key, f.decision, f.state, `${ageInWords((now - Date.parse(f.decidedAt)) / 1000)} ago`, f.by, f.detail]),
    ),
  );
}

export function printAccount(view: AccountView, out: (text: string) => void): void {
  out(`Account ${view.accountId}${view.emails.length ? ` (${view.emails.join(', ')})` : ''}, as of ${view.asOf}`);
  for (const t of view.tiers) {
    out(
      t.tier === 'build_tier_1'
        ? `Tier: Build Tier 1 (${formatMoney(t.purchasedCents, t.currency)} purchased, balance ${formatMoney(t.balanceCents, t.currency)})`
        : `Tier: Limited: ${formatMoney(t.purchasedCents, t.currency)} purchased, ${formatMoney(t.missingCents, t.currency)} more unlocks Build Tier 1 (balance ${formatMoney(t.balanceCents, t.currency)}, of which free ${formatMoney(t.freeCents, t.currency)})`,
    );
  }
  out(`\nPayments (${view.payments.length})`);
  out(
    renderTable(
      ['payment', 'created', 'amount', 'status', 'method', 'refunded', 'dispute', 'invoice'],
      view.payments.map((p) => [
        p.paymentId, p.createdAt, formatMoney(p.amountCents, p.currency), p.status, p.method,
        p.amountRefundedCents ? formatMoney(p.amountRefundedCents, p.currency) : null, p.disputeStatus, p.invoiceId,
      ]),
    ),
  );
  out(`\nLedger (${view.ledger.length})`);
  out(renderTable(['entry', 'created', 'type', 'amount', 'payment'], view.ledger.map((l) => [l.entryId, l.createdAt, l.type, formatMoney(l.amountCents, l.currency), l.paymentId])));
  const { stuck, duplicates, limited, mismatches } = view.flags;
  out(`\nFlags: ${stuck.length} stuck, ${duplicates.length} duplicate clusters, ${limited.length} limited, ${mismatches.length} mismatches`);
  for (const s of stuck) out(`  stuck (${s.stage}${s.method ? `, ${s.method}` : ''}): ${s.paymentId}, ${ageInWords(s.ageSeconds)} (stuck after ${ageInWords(s.stuckAfterMinutes * 60)})`);
  for (const d of duplicates) out(`  duplicate${d.whilePending ? ' (paid while pending)' : ''}: ${d.paymentIds.join(', ')}`);
  for (const l of limited) out(`  limited: ${formatMoney(l.missingCents, l.currency)} missing`);
  for (const m of mismatches) {
    out(`  mismatch ${m.kind}: ${m.paymentId}, delta ${m.deltaCents === null ? 'in another currency' : signed(m.deltaCents, m.currency)} (${m.key})`);
  }
  if (view.followups.length) {
    out(`\nFollow-ups`);
    for (const f of view.followups) out(`  ${f.list} ${f.key}: ${f.decision} by ${f.by}, ${f.state}: ${f.detail}`);
  }
  if (view.reviews.length) {
    out(`\nReviews`);
    for (const r of view.reviews) out(`  ${r.kind} ${r.key}: ${r.decision} by ${r.reviewer} at ${r.decidedAt}${r.note ? ` — ${r.note}` : ''}`);
  }
}
