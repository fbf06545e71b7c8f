// Rule 4: payments whose credits in the ledger do not match the money kept at the processor, largest stake first.
import type { MismatchRow, MismatchSort } from '../../../../shared/api.js';
import { keptNoMoney, MISMATCH_KINDS, type MismatchKind } from '../../../../shared/domain.js';
import type { GridColumn } from '../../components/DataGrid.js';
import { DecisionBadge } from '../../components/Decision.js';
import { FlagList, type ListRouteProps } from '../../components/FlagList.js';
import { Clipped } from '../../components/ui.js';
import { Money, Time } from '../../format.js';
import { DEFAULT_SORTS, listPage } from '../../first-pages.js';
import { Delta, KindBadge } from './badges.js';
import { MISMATCH_KIND_WORDS } from './words.js';

const columns: GridColumn<MismatchRow, MismatchSort>[] = [
  { id: 'kind', header: 'Kind', width: 'minmax(164px,1.4fr)', sortKey: 'kind', cell: (r) => <KindBadge kind={r.kind} wrap /> },
  {
    id: 'account', header: 'Account', width: 'minmax(104px,1.2fr)', sortKey: 'account',
    cell: (r) => (
      <span className="stacked">
        <Clipped code text={r.accountId ?? '—'} />
        {r.email ? <small className="clipped muted" title={r.email}>{r.email}</small> : <small className="muted">no email</small>}
      </span>
    ),
  },
  {
    id: 'payment', header: 'Payment', width: 'minmax(104px,1fr)', sortKey: 'created', title: 'The payment (for an unknown payment, the id the ledger entry names); under it, when it was created',
    cell: (r) => (
      <span className="stacked">
        <Clipped code text={r.paymentId} />
        <Time short iso={r.createdAt} />
      </span>
    ),
  },
  {
    id: 'amount', header: 'Amount', width: '96px', sortKey: 'amount', align: 'right', title: 'What the payment was for; under it, when the charge kept no money, its status',
    cell: (r) =>
      keptNoMoney(r.status) ? (
        <span className="stacked">
          <Money cents={r.amountCents} currency={r.currency} />
          <small className="muted" title="The charge kept no money">{r.status === 'incomplete' ? 'not completed' : r.status}</small>
        </span>
      ) : (
        <Money cents={r.amountCents} currency={r.currency} />
      ),
  },
  { id: 'credited', header: 'Credited', width: '96px', align: 'right', title: 'Purchased credits linked to the payment', cell: (r) => <Money cents={r.creditedCents} currency={r.currency} /> },
  { id: 'reversed', header: 'Reversed', width: '90px', align: 'right', title: 'Credits taken back (refund entries in the ledger)', cell: (r) => <Money cents={r.reversedCents} currency={r.currency} /> },
  { id: 'returned', header: 'Returned', width: '90px', align: 'right', title: 'Money given back to the customer at the processor: refunds and lost disputes', cell: (r) => <Money cents={r.returnedCents} currency={r.currency} /> },
  {
    id: 'stake', header: 'Delta', width: '120px', sortKey: 'stake', align: 'right', title: 'Credits the account holds beyond what the money kept pays for: + over-credited, − owed to the customer',
    cell: (r) => <Delta cents={r.deltaCents} currency={r.currency} />,
  },
  { id: 'review', header: 'Decision', width: '92px', sortKey: 'review', cell: (r) => <DecisionBadge review={r.review} /> },
];

export function MismatchesScreen({ onOpenAccount, ...route }: { onOpenAccount: (id: string) => void } & ListRouteProps) {
  return (
    <FlagList<MismatchRow, MismatchSort>
      {...route}
      kind="mismatches"
      title="Processor and ledger disagree"
      subtitle={<>The money kept at the processor against the credits in the ledger, payment by payment. Largest amount at stake first.</>}
      columns={columns}
      defaultSort={DEFAULT_SORTS['mismatches:listPage']}
      fetchPage={(q) => listPage('mismatches:listPage', q)}
      rowKey={(r) => r.key}
      rowLabel={(r) => `${MISMATCH_KIND_WORDS[r.kind]}: ${r.paymentId}`}
      onOpenAccount={onOpenAccount}
      extraFilters={(filter, set) => (
        <select
          className="input"
          aria-label="Kind"
          value={filter.mismatchKind ?? ''}
          onChange={(e) => set({ ...filter, mismatchKind: (e.target.value || undefined) as MismatchKind | undefined })}
        >
          <option value="">Every kind</option>
          {MISMATCH_KINDS.map((k) => (
            <option key={k} value={k}>
              {MISMATCH_KIND_WORDS[k]}
            </option>
          ))}
        </select>
      )}
      emptyText={{
        title: 'Processor and ledger agree',
        body: 'Every payment’s credits match the money kept at the processor. Mismatches need both a payments and a ledger export.',
      }}
    />
  );
}
