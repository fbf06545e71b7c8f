// One flag list screen: filters, the virtualised grid, bulk decisions, CSV export and the evidence card.
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { ListFilter, Page, ReviewFilter, SortDir } from '../../../shared/api.js';
import type { FlagKind } from '../../../shared/domain.js';
import { api } from '../api.js';
import { count } from '../format.js';
import { useDataVersion, useDebounced } from '../hooks.js';
import { DataGrid, emptyGrid, type GridColumn, type GridQuery } from './DataGrid.js';
import { DecisionForm } from './Decision.js';
import { EvidenceCard } from './EvidenceCard.js';
import { downloadCsv, toast } from './ui.js';

/** The part of a list's filter its URL carries (`#/mismatches?decision=open&kind=…`). */
export type RouteFilter = Pick<ListFilter, 'review' | 'mismatchKind'>;
/** A screen's link to its URL: the filter from the URL, and where to report the user's change of it. */
export interface ListRouteProps {
  routeFilter?: RouteFilter;
  onRouteFilterChange?: (filter: RouteFilter) => void;
}

interface Props<T, S extends string> extends ListRouteProps {
  kind: FlagKind;
  title: string;
  subtitle: ReactNode;
  columns: GridColumn<T, S>[];
  defaultSort: { column: S; dir: SortDir };
  fetchPage: (query: GridQuery<S> & { filter: ListFilter }) => Promise<Page<T>>;
  rowKey: (row: T) => string;
  rowLabel?: (row: T) => string;
  extraFilters?: (filter: ListFilter, set: (f: ListFilter) => void) => ReactNode;
  emptyText: { title: string; body: ReactNode };
  onOpenAccount: (accountId: string) => void;
  rowClass?: (row: T) => string;
}

export function FlagList<T, S extends string>(props: Props<T, S>) {
  const { kind } = props;
  const [text, setText] = useState('');
  const [filter, setFilterState] = useState<ListFilter>({ review: 'any', ...props.routeFilter });
  // The URL changed (back/forward, a link, a notification): its filter replaces the one shown.
  const routeReview = props.routeFilter?.review ?? 'any';
  const routeKind = props.routeFilter?.mismatchKind;
  useEffect(
    () => setFilterState((f) => (f.review === routeReview && f.mismatchKind === routeKind ? f : { ...f, review: routeReview, mismatchKind: routeKind })),
    [routeReview, routeKind],
  );
  const onRouteFilterChange = props.onRouteFilterChange;
  const setFilter = (next: ListFilter) => {
    setFilterState(next);
    if (next.review !== filter.review || next.mismatchKind !== filter.mismatchKind) onRouteFilterChange?.({ review: next.review, mismatchKind: next.mismatchKind });
  };
  const [sort, setSort] = useState(props.defaultSort);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [open, setOpen] = useState<string | null>(null);
  const [page, setPage] = useState<Page<T> | null>(null);
  const version = useDataVersion();
  const debounced = useDebounced(text);
  const fullFilter: ListFilter = { ...filter, text: debounced || undefined };
  const queryKey = JSON.stringify([fullFilter, sort]);
  const fetchPage = props.fetchPage;
  const fetcher = useCallback((q: GridQuery<S>) => fetchPage({ ...q, filter: fullFilter }), [queryKey, fetchPage]);

  const exportCsv = async () => {
    try {
      const file = await api['export:csv']({ list: kind, filter: fullFilter, sort });
      downloadCsv(file.fileName, file.csv);
      toast(`Exported ${count(file.rows, 'row')} to ${file.fileName}`);
    } catch (e) {
      toast(`Export failed: ${(e as Error).message}`);
    }
  };

  return (
    <div className="screen list-screen">
      <header className="screen-head">
        <div>
          <h1>{props.title}</h1>
          <p className="subtitle">{props.subtitle}</p>
        </div>
        <div className="head-stats">
          {page && (
            <span data-testid="row-count" role="status">
              {page.total === page.unfiltered ? count(page.total, 'row') : `${page.total.toLocaleString()} of ${count(page.unfiltered, 'row')}`}
            </span>
          )}
        </div>
      </header>
      {page?.notices.map((n) => (
        <div key={n.code} className="notice">
          {n.message}
        </div>
      ))}
      <div className="toolbar">
        <input
          className="input search"
          type="search"
          aria-label="Filter this list"
          placeholder="Filter by account, email, payment or invoice id"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <select className="input" aria-label="Review status" value={filter.review} onChange={(e) => setFilter({ ...filter, review: e.target.value as ReviewFilter })}>
          <option value="any">All</option>
          <option value="open">Open (no decision)</option>
          <option value="decided">Decided</option>
        </select>
        {props.extraFilters?.(filter, setFilter)}
        <span className="spacer" />
        <button className="btn" onClick={() => void exportCsv()}>
          Export CSV
        </button>
      </div>
      {selected.size > 0 && (
        <div className="bulk-bar" role="region" aria-label="Selected rows">
          <strong>{count(selected.size, 'row')} selected</strong>
          <DecisionForm compact kind={kind} keys={[...selected]} onSaved={() => setSelected(new Set())} />
          <button className="btn ghost" onClick={() => setSelected(new Set())}>
            Clear
          </button>
        </div>
      )}
      <div className="list-body">
        <DataGrid
          label={props.title}
          columns={props.columns}
          fetchPage={fetcher}
          rowKey={props.rowKey}
          rowLabel={props.rowLabel}
          sort={sort}
          onSortChange={setSort}
          queryKey={queryKey}
          version={version}
          onOpen={(row) => setOpen(props.rowKey(row))}
          selected={selected}
          onSelectedChange={setSelected}
          onLoaded={setPage}
          rowClass={props.rowClass}
          empty={
            page && page.unfiltered > 0
              ? emptyGrid('No rows match', 'Clear the filter or choose “All” to see every row.')
              : emptyGrid(props.emptyText.title, props.emptyText.body)
          }
        />
        {open && <EvidenceCard kind={kind} flagKey={open} onClose={() => setOpen(null)} onOpenAccount={props.onOpenAccount} />}
      </div>
    </div>
  );
}
