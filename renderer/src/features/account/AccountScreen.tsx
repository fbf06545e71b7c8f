// One account as a support agent needs it: tier status, flags and reviews, and a timeline of payments and
// ledger entries.
import { useEffect, useState } from 'react';
import type { AccountDetails } from '../../../../shared/api.js';
import type { FlagKind } from '../../../../shared/domain.js';
import { api } from '../../api.js';
import { DecisionBadge } from '../../components/Decision.js';
import { EvidenceCard } from '../../components/EvidenceCard.js';
import { Badge, EmptyState, ErrorState, LoadingState, StatusBadge } from '../../components/ui.js';
import { ageInWords, formatMoney, methodInWords, Money, Time, words } from '../../format.js';
import { useDataVersion } from '../../hooks.js';
import { followupStateWords, followupTone, keyInWords, LIST_WORDS } from '../followups/words.js';
import { KindBadge } from '../mismatches/badges.js';
import { deltaInWords } from '../mismatches/words.js';

type TimelineItem =
  | { at: string; kind: 'payment'; p: AccountDetails['payments'][number] }
  | { at: string; kind: 'ledger'; l: AccountDetails['ledger'][number] };

export function AccountScreen({ accountId, onOpenAccount }: { accountId: string | null; onOpenAccount: (id: string) => void }) {
  const [view, setView] = useState<AccountDetails | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState<{ kind: FlagKind; key: string } | null>(null);
  const version = useDataVersion();
  useEffect(() => {
    if (!accountId) return;
    setError(null);
    api['account:get']({ accountId }).then(setView, setError);
  }, [accountId, version]);

  if (!accountId)
    return (
      <div className="screen">
        <header className="screen-head">
          <h1>Account</h1>
        </header>
        <EmptyState title="Look up an account">
          Press <kbd>/</kbd> and type an account id, a customer's email or a payment id, then Enter.
        </EmptyState>
      </div>
    );
  if (error) return <div className="screen"><ErrorState error={error} /></div>;
  if (!view || view.accountId !== accountId) return <div className="screen"><LoadingState label={`Loading ${accountId}…`} /></div>;

  const timeline: TimelineItem[] = [
    ...view.payments.map((p) => ({ at: p.createdAt, kind: 'payment' as const, p })),
    ...view.ledger.map((l) => ({ at: l.createdAt, kind: 'ledger' as const, l })),
  ].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.kind === 'ledger' ? -1 : 1));
  const flagged = new Set([
    ...view.flags.stuck.map((s) => s.paymentId),
    ...view.flags.duplicates.flatMap((d) => d.paymentIds),
    ...view.flags.mismatches.map((m) => m.paymentId),
  ]);
  const flagCount = view.flags.stuck.length + view.flags.duplicates.length + view.flags.limited.length + view.flags.mismatches.length;

  return (
    <div className="screen account">
      <header className="screen-head">
        <div>
          <div className="eyebrow">Account</div>
          <h1>
            <code>{view.accountId}</code>
          </h1>
          <p className="subtitle">{view.emails.join(', ') || 'no email on file'} · {view.payments.length} payments · {view.ledger.length} ledger entries</p>
        </div>
      </header>
      <div className="account-top">
        {view.tiers.length === 0 ? (
          <section className="card tier">
            <h2 className="section">Tier</h2>
            <p className="muted">No ledger entries for this account: import a ledger export to see its balance and tier.</p>
          </section>
        ) : (
          view.tiers.map((t) => (
            <section key={t.currency} className={`card tier ${t.tier}`}>
              <div className="card-head">
                <h2 className="section">Tier</h2>
                {t.tier === 'limited' ? <Badge tone="amber">Limited</Badge> : <Badge tone="green">Build Tier 1</Badge>}
              </div>
              <dl className="facts">
                <div><dt>Balance</dt><dd><Money cents={t.balanceCents} currency={t.currency} strong /></dd></div>
                <div><dt>Free credits</dt><dd><Money cents={t.freeCents} currency={t.currency} /></dd></div>
                <div><dt>Purchased</dt><dd><Money cents={t.purchasedCents} currency={t.currency} /></dd></div>
                {t.tier === 'limited' && <div><dt>Missing for Tier 1</dt><dd><Money cents={t.missingCents} currency={t.currency} strong /></dd></div>}
              </dl>
            </section>
          ))
        )}
        <section className="card flags">
          <div className="card-head">
            <h2 className="section">Flags</h2>
            <span className="muted small">as of <Time iso={view.asOf} /></span>
          </div>
          {flagCount === 0 ? (
            <p className="muted">Nothing flagged on this account.</p>
          ) : (
            <ul className="flag-list">
              {view.flags.stuck.map((s) => (
                <li key={s.paymentId}>
                  <button className="link" onClick={() => setOpen({ kind: 'stuck', key: s.paymentId })}>
                    <Badge tone="red">stuck</Badge> {s.paymentId}: {s.stage === 'processor' ? 'pending' : 'not credited'} for {ageInWords(s.ageSeconds)}
                  </button>
                </li>
              ))}
              {view.flags.duplicates.map((d) => (
                <li key={d.key}>
                  <button className="link" onClick={() => setOpen({ kind: 'duplicates', key: d.key })}>
                    <Badge tone={d.whilePending ? 'red' : 'amber'}>duplicate</Badge> {d.paymentIds.length} × <Money cents={d.amountCents} currency={d.currency} />
                    {d.whilePending ? ', paid while pending' : ''}
                  </button>
                </li>
              ))}
              {view.flags.limited.map((l) => (
                <li key={l.currency}>
                  <button className="link" onClick={() => setOpen({ kind: 'limited', key: l.accountId })}>
                    <Badge tone="amber">limited</Badge> credits but <Money cents={l.missingCents} currency={l.currency} /> short of Tier 1
                  </button>
                </li>
              ))}
              {view.flags.mismatches.map((m) => (
                <li key={m.key}>
                  <button className="link" onClick={() => setOpen({ kind: 'mismatches', key: m.key })}>
                    <KindBadge kind={m.kind} /> {m.paymentId}: {deltaInWords(m.deltaCents, m.currency)}
                  </button>
                </li>
              ))}
            </ul>
          )}
          {view.followups.length > 0 && (
            <>
              <h3 className="sub">Follow-ups</h3>
              <ul className="flag-list" aria-label="Follow-ups">
                {view.followups.map((f) => (
                  <li key={`${f.list}-${f.key}`}>
                    <button className="link" onClick={() => setOpen({ kind: f.list, key: f.key })}>
                      <Badge tone={followupTone(f)}>{followupStateWords(f)}</Badge> {LIST_WORDS[f.list]} {keyInWords(f.list, f.key)}
                    </button>
                    <div className="muted small">
                      {words(f.decision)} by {f.by}, {ageInWords((Date.now() - Date.parse(f.decidedAt)) / 1000)} ago · {f.detail}
                    </div>
                  </li>
                ))}
              </ul>
            </>
          )}
          {view.reviews.length > 0 && (
            <>
              <h3 className="sub">Decisions</h3>
              <ul className="flag-list">
                {view.reviews.map((r) => (
                  <li key={`${r.kind}-${r.key}`}>
                    <DecisionBadge review={r} /> <span className="muted small">{LIST_WORDS[r.kind]} {keyInWords(r.kind, r.key)} · {r.reviewer}{r.note ? ` · “${r.note}”` : ''}</span>
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      </div>
      <section className="card">
        <h2 className="section">Timeline</h2>
        <ol className="timeline">
          {timeline.map((item) =>
            item.kind === 'payment' ? (
              <li key={`p-${item.p.paymentId}`} className={`tl-payment${flagged.has(item.p.paymentId) ? ' flagged' : ''}`}>
                <span className="when"><Time iso={item.at} /></span>
                <span className="what">
                  <span className="dot pay" /> Payment <code>{item.p.paymentId}</code> <StatusBadge status={item.p.status} />
                  {item.p.method && <span className="muted small">{methodInWords(item.p.method)}</span>}
                  {item.p.amountRefundedCents !== null && item.p.amountRefundedCents > 0 && !(item.p.status === 'refunded' && item.p.amountRefundedCents === item.p.amountCents) && (
                    <Badge tone="blue">refunded {formatMoney(item.p.amountRefundedCents, item.p.currency)}</Badge>
                  )}
                  {item.p.disputeStatus && <Badge tone={item.p.disputeStatus === 'lost' ? 'red' : 'amber'}>dispute {words(item.p.disputeStatus)}</Badge>}
                  {item.p.invoiceId && <span className="muted small"> invoice {item.p.invoiceId}</span>}
                  {flagged.has(item.p.paymentId) && <Badge tone="red">flagged</Badge>}
                </span>
                <span className="amount"><Money cents={item.p.amountCents} currency={item.p.currency} /></span>
              </li>
            ) : (
              <li key={`l-${item.l.entryId}`} className="ledger">
                <span className="when"><Time iso={item.at} /></span>
                <span className="what">
                  <span className={`dot ${item.l.type}`} /> {words(item.l.type)} <code className="muted">{item.l.entryId}</code>
                  {item.l.paymentId && <span className="muted small"> for {item.l.paymentId}</span>}
                </span>
                <span className="amount"><Money cents={item.l.amountCents} currency={item.l.currency} /></span>
              </li>
            ),
          )}
        </ol>
      </section>
      {open && <EvidenceCard kind={open.kind} flagKey={open.key} accountId={view.accountId} onClose={() => setOpen(null)} onOpenAccount={onOpenAccount} />}
    </div>
  );
}
