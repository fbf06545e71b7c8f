import type { LimitedRow, LimitedSort } from '../../../../shared/api.js';
import type { GridColumn } from '../../components/DataGrid.js';
import { DecisionBadge } from '../../components/Decision.js';
import { FlagList, type ListRouteProps } from '../../components/FlagList.js';
import { Clipped, CopyButton } from '../../components/ui.js';
import { formatMoney, Money } from '../../format.js';
import { DEFAULT_SORTS, listPage } from '../../first-pages.js';

const columns: GridColumn<LimitedRow, LimitedSort>[] = [
  { id: 'account', header: 'Account', width: 'minmax(96px,1fr)', sortKey: 'account', cell: (r) => <code>{r.accountId}</code> },
  { id: 'email', header: 'Email', width: 'minmax(0,1.4fr)', cell: (r) => (r.email ? <Clipped text={r.email} /> : <span className="muted">—</span>) },
  { id: 'balance', header: 'Balance', width: '110px', sortKey: 'balance', align: 'right', cell: (r) => <Money cents={r.balanceCents} currency={r.currency} /> },
  { id: 'free', header: 'Free', width: '110px', sortKey: 'free', align: 'right', cell: (r) => <Money cents={r.freeCents} currency={r.currency} /> },
  { id: 'purchased', header: 'Purchased', width: '110px', sortKey: 'purchased', align: 'right', cell: (r) => <Money cents={r.purchasedCents} currency={r.currency} /> },
  { id: 'missing', header: 'Missing', width: '110px', sortKey: 'missing', align: 'right', cell: (r) => <Money cents={r.missingCents} currency={r.currency} strong /> },
  {
    id: 'unlock', header: 'Unlocks with', width: 'minmax(0,1fr)', title: 'A pending or stuck payment that would cover the gap once it completes',
    cell: (r) => (r.unlockPaymentId ? <code>{r.unlockPaymentId}</code> : <span className="muted">—</span>),
  },
  { id: 'review', header: 'Decision', width: '110px', sortKey: 'review', cell: (r) => <DecisionBadge review={r.review} /> },
  { id: 'copy', header: '', title: 'Explanation for the ticket', width: '150px', cell: (r) => <CopyButton className="btn small" text={r.explanation} label="Copy explanation" done="Explanation copied: paste it into the ticket" /> },
];

export function LimitedScreen({ onOpenAccount, thresholdCents, ...route }: { onOpenAccount: (id: string) => void; thresholdCents: number } & ListRouteProps) {
  return (
    <FlagList<LimitedRow, LimitedSort>
      {...route}
      kind="limited"
      title="Credits, but still Limited"
      subtitle={<>Accounts with a positive balance but less than {formatMoney(thresholdCents, 'usd')} purchased: free credits do not unlock Build Tier 1.</>}
      columns={columns}
      defaultSort={DEFAULT_SORTS['limited:listPage']}
      fetchPage={(q) => listPage('limited:listPage', q)}
      rowKey={(r) => r.accountId}
      onOpenAccount={onOpenAccount}
      emptyText={{ title: 'No limited accounts with credits', body: 'Every account with a balance has purchased enough to reach Build Tier 1. A ledger export is needed for this list.' }}
    />
  );
}
