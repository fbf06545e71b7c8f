import type { DuplicateRow, DuplicateSort } from '../../../../shared/api.js';
import type { GridColumn } from '../../components/DataGrid.js';
import { DecisionBadge } from '../../components/Decision.js';
import { FlagList, type ListRouteProps } from '../../components/FlagList.js';
import { Badge, Clipped } from '../../components/ui.js';
import { ageInWords, Money, Time } from '../../format.js';
import { DEFAULT_SORTS, listPage } from '../../first-pages.js';

const columns: GridColumn<DuplicateRow, DuplicateSort>[] = [
  {
    id: 'strength', header: 'Signal', width: '164px', sortKey: 'strength', title: 'Paid while pending: a payment was made while an earlier one was not yet credited',
    cell: (r) => (r.whilePending ? <Badge tone="red">paid while pending</Badge> : <Badge tone="amber">within window</Badge>),
  },
  { id: 'account', header: 'Account', width: '104px', sortKey: 'account', cell: (r) => <code>{r.accountId}</code> },
  { id: 'email', header: 'Email', width: 'minmax(0,1fr)', cell: (r) => (r.email ? <Clipped text={r.email} /> : <span className="muted">—</span>) },
  { id: 'amount', header: 'Each', width: '104px', sortKey: 'amount', align: 'right', cell: (r) => <Money cents={r.amountCents} currency={r.currency} /> },
  { id: 'payments', header: 'Payments', width: '88px', sortKey: 'payments', align: 'right', cell: (r) => <span className="num">{r.paymentIds.length}</span> },
  { id: 'extra', header: 'Extra paid', width: '110px', sortKey: 'extra', align: 'right', cell: (r) => <Money cents={r.extraCents} currency={r.currency} strong /> },
  {
    id: 'span', header: 'Within', width: '80px', align: 'right',
    cell: (r) => <span className="num">{ageInWords((Date.parse(r.lastCreatedAt) - Date.parse(r.firstCreatedAt)) / 1000)}</span>,
  },
  { id: 'first', header: 'First payment', width: '148px', sortKey: 'first', cell: (r) => <Time short iso={r.firstCreatedAt} /> },
  { id: 'review', header: 'Decision', width: '108px', sortKey: 'review', cell: (r) => <DecisionBadge review={r.review} /> },
];

export function DuplicatesScreen({ onOpenAccount, windowMinutes, ...route }: { onOpenAccount: (id: string) => void; windowMinutes: number } & ListRouteProps) {
  return (
    <FlagList<DuplicateRow, DuplicateSort>
      {...route}
      kind="duplicates"
      title="Possible duplicate purchases"
      subtitle={<>Same account, amount and currency paid again within {windowMinutes} min. Paid-while-pending clusters first.</>}
      columns={columns}
      defaultSort={DEFAULT_SORTS['duplicates:listPage']}
      fetchPage={(q) => listPage('duplicates:listPage', q)}
      rowKey={(r) => r.key}
      rowLabel={(r) => `the payments ${r.paymentIds.join(', ')}`}
      onOpenAccount={onOpenAccount}
      rowClass={(r) => (r.whilePending ? 'strong-signal' : '')}
      extraFilters={(filter, set) => (
        <select
          className="input"
          aria-label="Signal"
          value={filter.whilePending === undefined ? '' : String(filter.whilePending)}
          onChange={(e) => set({ ...filter, whilePending: e.target.value === '' ? undefined : e.target.value === 'true' })}
        >
          <option value="">Every signal</option>
          <option value="true">Paid while pending</option>
          <option value="false">Within window only</option>
        </select>
      )}
      emptyText={{ title: 'No duplicate purchases', body: 'No account paid the same amount twice within the window. Widen the window in Settings to look further.' }}
    />
  );
}
