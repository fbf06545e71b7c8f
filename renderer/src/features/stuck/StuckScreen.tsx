import type { StuckRow, StuckSort } from '../../../../shared/api.js';
import type { FlagSettings } from '../../../../shared/domain.js';
import type { GridColumn } from '../../components/DataGrid.js';
import { DecisionBadge } from '../../components/Decision.js';
import { FlagList, type ListRouteProps } from '../../components/FlagList.js';
import { Badge, Clipped } from '../../components/ui.js';
import { ageInWords, methodInWords, minutesInWords, Money, Time, words } from '../../format.js';
import { DEFAULT_SORTS, listPage } from '../../first-pages.js';

// Eleven columns do not fit a 1440 px window with room for email and invoice: the creation time sits under
// the age, the method and the threshold applied under the stage, and the status (which the stage is derived
// from) is in the stage's tooltip.
const columns: GridColumn<StuckRow, StuckSort>[] = [
  {
    id: 'age', header: 'Age', width: '128px', sortKey: 'age', title: 'How long the payment has waited; under it, when it was created',
    cell: (r) => <AgeAndCreated row={r} />,
  },
  {
    id: 'stage', header: 'Stage · method', width: '142px', sortKey: 'stage', title: 'Where the payment waits; under it, its payment method and the threshold applied to it',
    cell: (r) => <StageAndMethod row={r} />,
  },
  { id: 'payment', header: 'Payment', width: 'minmax(90px,0.7fr)', cell: (r) => <Clipped code text={r.paymentId} /> },
  { id: 'account', header: 'Account', width: '100px', sortKey: 'account', cell: (r) => <Clipped code text={r.accountId ?? '—'} /> },
  { id: 'amount', header: 'Amount', width: '104px', sortKey: 'amount', align: 'right', cell: (r) => <Money cents={r.amountCents} currency={r.currency} /> },
  { id: 'email', header: 'Email', width: 'minmax(120px,1.5fr)', cell: (r) => (r.email ? <Clipped text={r.email} /> : <span className="muted">—</span>) },
  { id: 'invoice', header: 'Invoice', width: 'minmax(100px,1.05fr)', cell: (r) => (r.invoiceId ? <Clipped code text={r.invoiceId} /> : <span className="muted">none</span>) },
  {
    id: 'later', header: 'Paid since', width: '100px', sortKey: 'later', align: 'right', title: 'Payments the account made after this one: a hint that the customer paid again',
    cell: (r) => (r.laterPayments > 0 ? <Badge tone="amber">{r.laterPayments} later</Badge> : <span className="muted">0</span>),
  },
  { id: 'review', header: 'Decision', width: '92px', sortKey: 'review', cell: (r) => <DecisionBadge review={r.review} /> },
];

function AgeAndCreated({ row }: { row: StuckRow }) {
  return (
    <span className="stacked">
      <strong className="age">{ageInWords(row.ageSeconds)}</strong>
      <Time short iso={row.createdAt} />
    </span>
  );
}

function StageAndMethod({ row }: { row: StuckRow }) {
  const threshold = `after ${minutesInWords(row.stuckAfterMinutes)}`;
  return (
    <span className="stacked" title={`${methodInWords(row.method)}: counts as stuck ${threshold}`}>
      <StageBadge row={row} />
      <small className="muted clipped" data-testid="method-threshold">
        {methodInWords(row.method)} · {threshold}
      </small>
    </span>
  );
}

function StageBadge({ row }: { row: StuckRow }) {
  const processor = row.stage === 'processor';
  const status = words(row.status);
  return (
    <Badge tone={processor ? 'amber' : 'red'} title={processor ? `Still pending at the processor or bank (status: ${status})` : `Paid (status: ${status}), but no credits added`}>
      {processor ? 'still pending' : 'not credited'}
    </Badge>
  );
}

/** "; sepa_debit: 10 d" for the methods the user gave a threshold of their own. */
const ownThresholds = (settings: FlagSettings) =>
  Object.entries(settings.methodStuckAfterMinutes)
    .map(([method, minutes]) => `; ${methodInWords(method)}: ${minutesInWords(minutes)}`)
    .join('');

export function StuckScreen({ onOpenAccount, settings, ...route }: { onOpenAccount: (id: string) => void; settings: FlagSettings } & ListRouteProps) {
  return (
    <FlagList<StuckRow, StuckSort>
      {...route}
      kind="stuck"
      title="Stuck payments"
      subtitle={
        <>
          Payments pending for more than {minutesInWords(settings.stuckAfterMinutes)} (bank debits: {minutesInWords(settings.bankDebitStuckAfterMinutes)}
          {ownThresholds(settings)}), or paid but not credited. Oldest first.
        </>
      }
      columns={columns}
      defaultSort={DEFAULT_SORTS['stuck:listPage']}
      fetchPage={(q) => listPage('stuck:listPage', q)}
      rowKey={(r) => r.paymentId}
      onOpenAccount={onOpenAccount}
      extraFilters={(filter, set) => (
        <select className="input" aria-label="Stage" value={filter.stage ?? ''} onChange={(e) => set({ ...filter, stage: (e.target.value || undefined) as 'processor' | 'credit' | undefined })}>
          <option value="">Every stage</option>
          <option value="processor">Pending at processor</option>
          <option value="credit">Paid, not credited</option>
        </select>
      )}
      emptyText={{ title: 'No stuck payments', body: 'Every payment in the lookback window went through and was credited. Import newer exports on the Sync screen to check again.' }}
    />
  );
}
