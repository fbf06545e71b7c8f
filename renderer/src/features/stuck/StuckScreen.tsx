import type { StuckRow, StuckSort } from '../../../../shared/api.js';
import { api } from '../../api.js';
import type { GridColumn } from '../../components/DataGrid.js';
import { DecisionBadge } from '../../components/Decision.js';
import { StatusBadge } from '../../components/EvidenceCard.js';
import { FlagList } from '../../components/FlagList.js';
import { Badge } from '../../components/ui.js';
import { ageInWords, Money, Time } from '../../format.js';

const columns: GridColumn<StuckRow, StuckSort>[] = [
  { id: 'age', header: 'Age', width: '100px', sortKey: 'age', cell: (r) => <strong className="age">{ageInWords(r.ageSeconds)}</strong> },
  {
    id: 'stage', header: 'Stage', width: '110px', sortKey: 'stage',
    cell: (r) => <Badge tone={r.stage === 'processor' ? 'amber' : 'red'} title={r.stage === 'processor' ? 'Still pending at the processor or bank' : 'Paid, but no credits added'}>{r.stage === 'processor' ? 'processor' : 'not credited'}</Badge>,
  },
  { id: 'payment', header: 'Payment', width: 'minmax(100px,1fr)', cell: (r) => <code>{r.paymentId}</code> },
  { id: 'account', header: 'Account', width: 'minmax(96px,1fr)', sortKey: 'account', cell: (r) => <code>{r.accountId ?? '—'}</code> },
  { id: 'amount', header: 'Amount', width: '110px', sortKey: 'amount', align: 'right', cell: (r) => <Money cents={r.amountCents} currency={r.currency} /> },
  { id: 'status', header: 'Status', width: '100px', cell: (r) => <StatusBadge status={r.status} /> },
  { id: 'created', header: 'Created', width: '190px', cell: (r) => <Time iso={r.createdAt} /> },
  { id: 'email', header: 'Email', width: 'minmax(0,1.4fr)', cell: (r) => r.email ?? <span className="muted">—</span> },
  { id: 'invoice', header: 'Invoice', width: 'minmax(0,1fr)', cell: (r) => (r.invoiceId ? <code>{r.invoiceId}</code> : <span className="muted">none</span>) },
  {
    id: 'later', header: 'Paid since', width: '104px', sortKey: 'later', align: 'right', title: 'Payments the account made after this one: a hint that the customer paid again',
    cell: (r) => (r.laterPayments > 0 ? <Badge tone="amber">{r.laterPayments} later</Badge> : <span className="muted">0</span>),
  },
  { id: 'review', header: 'Decision', width: '100px', sortKey: 'review', cell: (r) => <DecisionBadge review={r.review} /> },
];

export function StuckScreen({ onOpenAccount, threshold }: { onOpenAccount: (id: string) => void; threshold: number }) {
  return (
    <FlagList<StuckRow, StuckSort>
      kind="stuck"
      title="Stuck payments"
      subtitle={<>Payments pending for more than {threshold} min, or paid but not credited. Oldest first.</>}
      columns={columns}
      defaultSort={{ column: 'age', dir: 'desc' }}
      fetchPage={(q) => api['stuck:listPage'](q)}
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
