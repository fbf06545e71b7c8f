// Rule 5: decisions still waiting for their action, oldest first, with where each stands in the current data.
// The list is short (one row per decision that asks for an action), so it is filtered here and paged locally.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { FollowupRow, Page } from '../../../../shared/api.js';
import type { FollowupState } from '../../../../shared/domain.js';
import { api } from '../../api.js';
import { DataGrid, emptyGrid, type GridColumn, type GridQuery } from '../../components/DataGrid.js';
import { DecisionBadge } from '../../components/Decision.js';
import { EvidenceCard } from '../../components/EvidenceCard.js';
import { Badge, Clipped, downloadCsv, ErrorState, LoadingState, toast } from '../../components/ui.js';
import { ageInWords, count, Time } from '../../format.js';
import { useDataVersion, useDebounced } from '../../hooks.js';
import { followupStateWords, followupTone, keyInWords, LIST_WORDS } from './words.js';

type FollowupSort = 'decided';
const SORT = { column: 'decided', dir: 'asc' } as const;

const decisionAge = (decidedAt: string) => `${ageInWords((Date.now() - Date.parse(decidedAt)) / 1000)} ago`;

function columnsFor(openAccount: (id: string) => void, openFlag: (row: FollowupRow) => void): GridColumn<FollowupRow, FollowupSort>[] {
  return [
    {
      id: 'decided', header: 'Decided', width: '128px', title: 'How long ago the decision was made; under it, when',
      cell: (r) => (
        <span className="stacked">
          <strong className="age">{decisionAge(r.decidedAt)}</strong>
          <Time short iso={r.decidedAt} />
        </span>
      ),
    },
    {
      id: 'flag', header: 'Flag', width: 'minmax(110px,1fr)',
      cell: (r) => (
        <span className="stacked">
          <small className="muted">{LIST_WORDS[r.list]}</small>
          <button
            className="link clipped code"
            title={`Open the evidence of ${keyInWords(r.list, r.key)}`}
            onClick={(e) => {
              e.stopPropagation();
              openFlag(r);
            }}
          >
            {keyInWords(r.list, r.key)}
          </button>
        </span>
      ),
    },
    {
      id: 'account', header: 'Account', width: 'minmax(100px,0.8fr)',
      cell: (r) =>
        r.accountId ? (
          <span className="stacked">
            <button
              className="link clipped code"
              title={`Open account ${r.accountId}`}
              onClick={(e) => {
                e.stopPropagation();
                openAccount(r.accountId as string);
              }}
            >
              {r.accountId}
            </button>
            {r.email && <small className="clipped muted" title={r.email}>{r.email}</small>}
          </span>
        ) : (
          <span className="muted">—</span>
        ),
    },
    {
      id: 'decision', header: 'Decision', width: '140px',
      cell: (r) => (
        <span className="stacked">
          <DecisionBadge review={{ kind: r.list, key: r.key, decision: r.decision, note: r.note, reviewer: r.by, decidedAt: r.decidedAt }} />
          <small className="clipped" title={r.by}>by {r.by}</small>
        </span>
      ),
    },
    { id: 'state', header: 'State', width: 'minmax(170px,1.5fr)', cell: (r) => <Badge tone={followupTone(r)} wrap>{followupStateWords(r)}</Badge> },
    {
      id: 'detail', header: 'What the data shows', width: 'minmax(180px,2.4fr)', title: 'What the current data shows; under it, the note left with the decision',
      cell: (r) => (
        <span className="stacked">
          <Clipped text={r.detail} />
          {r.note ? <small className="clipped" title={r.note}>“{r.note}”</small> : <small>no note</small>}
        </span>
      ),
    },
  ];
}

const matches = (r: FollowupRow, text: string) =>
  [r.key, r.accountId, r.email, r.by, r.note, r.detail].some((v) => v?.toLowerCase().includes(text));

export function FollowupsScreen({ onOpenAccount }: { onOpenAccount: (id: string) => void }) {
  const [all, setAll] = useState<{ followups: FollowupRow[]; asOf: string; loaded: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [text, setText] = useState('');
  const [state, setState] = useState<FollowupState | ''>('');
  const [open, setOpen] = useState<FollowupRow | null>(null);
  const version = useDataVersion();
  const debounced = useDebounced(text.trim().toLowerCase());

  const load = useCallback(() => {
    setError(null);
    api['followups:list']({}).then((r) => setAll((old) => ({ ...r, loaded: (old?.loaded ?? 0) + 1 })), setError);
  }, []);
  useEffect(load, [load, version]);

  const rows = useMemo(
    () => (all?.followups ?? []).filter((r) => (state === '' || r.state === state) && (debounced === '' || matches(r, debounced))),
    [all, state, debounced],
  );
  const fetchPage = useCallback(
    (q: GridQuery<FollowupSort>): Promise<Page<FollowupRow>> =>
      Promise.resolve({ rows: rows.slice(q.offset, q.offset + q.limit), total: rows.length, unfiltered: all?.followups.length ?? 0, offset: q.offset, asOf: all?.asOf ?? '', notices: [] }),
    [rows, all],
  );
  const columns = useMemo(() => columnsFor(onOpenAccount, setOpen), [onOpenAccount]);

  const exportCsv = async () => {
    try {
      const file = await api['export:csv']({ list: 'followups' });
      downloadCsv(file.fileName, file.csv);
      toast(`Exported ${count(file.rows, 'row')} to ${file.fileName}`);
    } catch (e) {
      toast(`Export failed: ${(e as Error).message}`);
    }
  };

  const total = all?.followups.length ?? 0;
  return (
    <div className="screen list-screen">
      <header className="screen-head">
        <div>
          <h1>Follow-ups</h1>
          <p className="subtitle">Decisions that ask for an action (a refund, an escalation, a contact) until the data shows it done. Oldest decision first.</p>
        </div>
        <div className="head-stats">
          {all && <span data-testid="row-count" role="status">{rows.length === total ? count(total, 'row') : `${rows.length.toLocaleString()} of ${count(total, 'row')}`}</span>}
        </div>
      </header>
      <div className="toolbar">
        <input
          className="input search"
          type="search"
          aria-label="Filter this list"
          placeholder="Filter by payment, account, email, reviewer or note"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <select className="input" aria-label="State" value={state} onChange={(e) => setState(e.target.value as FollowupState | '')}>
          <option value="">Every state</option>
          <option value="waiting">Waiting</option>
          <option value="refunded_not_reversed">Refunded, credits not taken back</option>
        </select>
        <span className="spacer" />
        <button className="btn" onClick={() => void exportCsv()}>
          Export CSV
        </button>
      </div>
      <div className="list-body">
        {error !== null ? (
          <ErrorState error={error} onRetry={load} />
        ) : !all ? (
          <LoadingState />
        ) : (
          <DataGrid<FollowupRow, FollowupSort>
            label="Follow-ups"
            columns={columns}
            fetchPage={fetchPage}
            rowKey={(r) => `${r.list}:${r.key}`}
            sort={SORT}
            onSortChange={() => {}}
            queryKey={JSON.stringify([state, debounced, all.loaded])}
            version={version}
            onOpen={setOpen}
            empty={
              total > 0
                ? emptyGrid('No rows match', 'Clear the filter or choose “Every state” to see every follow-up.')
                : emptyGrid('Nothing waiting: every decision’s action shows in the data.', 'A “refund needed”, “escalated” or “contacted” decision shows here until the data shows its action done.')
            }
          />
        )}
        {open && (
          <EvidenceCard kind={open.list} flagKey={open.key} accountId={open.accountId} followup={open} onClose={() => setOpen(null)} onOpenAccount={onOpenAccount} />
        )}
      </div>
    </div>
  );
}
