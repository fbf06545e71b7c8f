// A virtualised grid over a server-side list: the main side sorts, filters and pages; only the visible rows are
// in the DOM, and pages are fetched as they scroll into view. Stale responses are dropped by generation.
import {
  getCoreRowModel,
  useReactTable,
  type ColumnDef,
  type SortingState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { Page, SortDir } from '../../../shared/api.js';
import { DataRow, ROW_HEIGHT, RowsPlaceholder } from './GridRow.js';
import { EmptyState, ErrorState } from './ui.js';

export interface GridColumn<T, S extends string> {
  id: string;
  header: string;
  width: string;
  cell: (row: T) => ReactNode;
  sortKey?: S;
  align?: 'right';
  title?: string;
}

export interface GridQuery<S extends string> {
  offset: number;
  limit: number;
  sort: { column: S; dir: SortDir };
}

interface Props<T, S extends string> {
  columns: GridColumn<T, S>[];
  fetchPage: (query: GridQuery<S>) => Promise<Page<T>>;
  rowKey: (row: T) => string;
  /** The row in words for its checkbox's label; the key when absent. */
  rowLabel?: (row: T) => string;
  sort: { column: S; dir: SortDir };
  onSortChange: (sort: { column: S; dir: SortDir }) => void;
  /** Changes when the filter changes: the grid starts again from the top. */
  queryKey: string;
  /** Changes when the data changed: the loaded pages are refetched in place. */
  version: number;
  onOpen: (row: T) => void;
  selected?: Set<string>;
  onSelectedChange?: (selected: Set<string>) => void;
  onLoaded?: (page: Page<T>) => void;
  empty: ReactNode;
  label: string;
  rowClass?: (row: T) => string;
}

export const PAGE = 200;
/** While scrolling, fetch at most this often, only the pages visible when the fetch starts, and none while the
 * window still moves by more than a page in that time. */
const FETCH_EVERY_MS = 80;
/** Pages kept on each side of the visible window; farther ones are dropped and fetched again if needed. */
const KEEP_PAGES = 3;

export function DataGrid<T, S extends string>(props: Props<T, S>) {
  const { columns, fetchPage, rowKey, sort, queryKey, version, onOpen, selected, onSelectedChange, onLoaded } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [total, setTotal] = useState<number | null>(null);
  const [rows, setRows] = useState<Map<number, T>>(new Map());
  const [error, setError] = useState<unknown>(null);
  const [active, setActive] = useState(0);
  /** What a screen reader is told when the arrows move the active row ("Row 3 of 40: …"). */
  const [announced, setAnnounced] = useState('');
  const generation = useRef(0);
  const requested = useRef(new Set<number>());
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;
  const loadedRef = useRef(onLoaded);
  loadedRef.current = onLoaded;

  const sorting: SortingState = useMemo(() => [{ id: sort.column, desc: sort.dir === 'desc' }], [sort]);
  const tableColumns = useMemo<ColumnDef<T>[]>(
    // Sorting happens in the main process; TanStack still wants an accessor before it calls a column sortable.
    () => columns.map((c) => ({ id: c.sortKey ?? c.id, header: c.header, enableSorting: c.sortKey !== undefined, sortDescFirst: false, accessorFn: () => null })),
    [columns],
  );
  const table = useReactTable<T>({
    data: [],
    columns: tableColumns,
    state: { sorting },
    manualSorting: true,
    manualFiltering: true,
    manualPagination: true,
    enableMultiSort: false,
    onSortingChange: (updater) => {
      const next = typeof updater === 'function' ? updater(sorting) : updater;
      const first = next[0];
      if (first) props.onSortChange({ column: first.id as S, dir: first.desc ? 'desc' : 'asc' });
      else props.onSortChange({ column: sort.column, dir: sort.dir === 'asc' ? 'desc' : 'asc' });
    },
    getCoreRowModel: getCoreRowModel(),
  });

  const load = useCallback(
    (pageIndex: number, gen: number) => {
      if (requested.current.has(pageIndex)) return;
      requested.current.add(pageIndex);
      fetchRef
        .current({ offset: pageIndex * PAGE, limit: PAGE, sort })
        .then((page) => {
          // A page dropped while its request was in flight (the scroll moved on) is not merged.
          if (gen !== generation.current || !requested.current.has(pageIndex)) return;
          setTotal(page.total);
          setError(null);
          setRows((old) => {
            const next = new Map(old);
            page.rows.forEach((row, i) => next.set(page.offset + i, row));
            return next;
          });
          if (pageIndex === 0) loadedRef.current?.(page);
        })
        .catch((e: unknown) => {
          if (gen !== generation.current) return;
          requested.current.delete(pageIndex);
          setError(e);
        });
    },
    [sort],
  );

  // A new query (filter or sort): start from the top.
  useEffect(() => {
    const gen = ++generation.current;
    requested.current = new Set();
    setRows(new Map());
    setTotal(null);
    setActive(0);
    scrollRef.current?.scrollTo({ top: 0 });
    load(0, gen);
  }, [queryKey, load]);

  const virtualizer = useVirtualizer({
    count: total ?? 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 5,
  });
  const items = virtualizer.getVirtualItems();
  const firstIndex = items[0]?.index ?? 0;
  const lastIndex = items[items.length - 1]?.index ?? 0;

  // Fetch the pages the visible window needs. A fast scroll passes hundreds of pages: fetching each would queue
  // requests the user never sees and hold the last rows back, so fetch what is visible every FETCH_EVERY_MS.
  const visibleWindow = useRef({ first: 0, last: 0 });
  visibleWindow.current = { first: firstIndex, last: lastIndex };
  // The timer may outlive a change of sort: it fetches with the current one.
  const loadRef = useRef(load);
  loadRef.current = load;
  const fetchTimer = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (total === null || fetchTimer.current !== undefined) return;
    const arm = (from: number) => {
      fetchTimer.current = window.setTimeout(() => {
        // Moved more than a page since the last look: still flying, and these rows would be gone before they came.
        if (Math.abs(visibleWindow.current.first - from) > PAGE) return arm(visibleWindow.current.first);
        fetchTimer.current = undefined;
        fetchVisible();
      }, FETCH_EVERY_MS);
    };
    const fetchVisible = () => {
      const firstPage = Math.floor(visibleWindow.current.first / PAGE);
      const lastPage = Math.floor(visibleWindow.current.last / PAGE);
      for (let p = firstPage; p <= lastPage; p++) loadRef.current(p, generation.current);
      dropFarPages(firstPage - KEEP_PAGES, lastPage + KEEP_PAGES);
    };
    arm(visibleWindow.current.first);
  }, [firstIndex, lastIndex, total, load]);
  useEffect(() => () => window.clearTimeout(fetchTimer.current), []);

  // Only pages near the window stay in memory, so a scroll through 100,000 rows keeps renders cheap.
  const dropFarPages = (keepFrom: number, keepTo: number) => {
    const far = [...requested.current].filter((p) => p < keepFrom || p > keepTo);
    if (far.length === 0) return;
    for (const p of far) requested.current.delete(p);
    setRows((old) => {
      const next = new Map(old);
      for (const index of old.keys()) {
        const p = Math.floor(index / PAGE);
        if (p < keepFrom || p > keepTo) next.delete(index);
      }
      return next;
    });
  };

  // The data changed: refetch what is loaded, keeping the scroll position.
  const firstVersion = useRef(version);
  useEffect(() => {
    if (version === firstVersion.current) return;
    const gen = ++generation.current;
    const pages = [...new Set([...requested.current])];
    requested.current = new Set();
    for (const p of pages.length ? pages : [0]) load(p, gen);
  }, [version]);

  // Rows not loaded yet are not rendered: one placeholder under the visible window shows through where no row
  // covers it, so a fast scroll through unloaded rows moves one element instead of replacing every row.
  const waiting = items.some((item) => !rows.has(item.index));
  const template = columns.map((c) => c.width).join(' ');
  const gridTemplate = onSelectedChange ? `36px ${template}` : template;
  const allLoadedSelected = selected !== undefined && selected.size > 0 && rows.size > 0 && everyRow(rows, (r) => selected.has(rowKey(r)));

  // Rows are memoised: their callbacks must keep their identity across renders, so they read the latest props here.
  const latest = useRef({ selected, onSelectedChange, onOpen });
  latest.current = { selected, onSelectedChange, onOpen };
  const toggle = useCallback((key: string) => {
    const { selected, onSelectedChange } = latest.current;
    if (!selected || !onSelectedChange) return;
    const next = new Set(selected);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    onSelectedChange(next);
  }, []);
  const activate = useCallback((index: number, row: T) => {
    setActive(index);
    latest.current.onOpen(row);
  }, []);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (total === null || total === 0) return;
    const move = (to: number) => {
      const index = Math.max(0, Math.min(total - 1, to));
      setActive(index);
      virtualizer.scrollToIndex(index, { align: 'auto' });
      const row = rows.get(index);
      const label = row === undefined ? '' : (props.rowLabel?.(row) ?? rowKey(row));
      setAnnounced(`Row ${(index + 1).toLocaleString()} of ${total.toLocaleString()}${label ? `: ${label}` : ''}`);
      e.preventDefault();
    };
    if (e.key === 'ArrowDown') move(active + 1);
    else if (e.key === 'ArrowUp') move(active - 1);
    else if (e.key === 'PageDown') move(active + 15);
    else if (e.key === 'PageUp') move(active - 15);
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(total - 1);
    else if (e.key === 'Enter') {
      const row = rows.get(active);
      if (row) onOpen(row);
      e.preventDefault();
    } else if (e.key === ' ') {
      const row = rows.get(active);
      if (row) toggle(rowKey(row));
      e.preventDefault();
    }
  };

  if (error && total === null) return <ErrorState error={error} onRetry={() => load(0, generation.current)} />;

  return (
    <>
      {/* aria-rowcount counts the header row too (aria-rowindex 1); the data rows start at 2. Only the visible rows
          are in the DOM, so this is how a screen reader knows the list's length. */}
      <div className="grid" role="grid" aria-label={props.label} aria-rowcount={total === null ? undefined : total + 1}>
        <div className="grid-head" role="row" aria-rowindex={1} style={{ gridTemplateColumns: gridTemplate }}>
          {onSelectedChange && (
            <div className="cell check" role="columnheader">
              <input
                type="checkbox"
                aria-label="Select all loaded rows"
                checked={allLoadedSelected}
                onChange={() => onSelectedChange(allLoadedSelected ? new Set() : new Set(Array.from(rows.values(), rowKey)))}
              />
            </div>
          )}
          {table.getHeaderGroups()[0].headers.map((header, i) => {
            const column = columns[i];
            const sorted = header.column.getIsSorted();
            return (
              <div
                key={header.id}
                role="columnheader"
                aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}
                className={`cell${column.align === 'right' ? ' right' : ''}${header.column.getCanSort() ? ' sortable' : ''}`}
                title={column.title}
              >
                {header.column.getCanSort() ? (
                  // A button, so that sorting is reached by Tab and done with Enter or Space.
                  <button type="button" className="sort-button" onClick={header.column.getToggleSortingHandler()}>
                    {column.header}
                    {sorted && <span className="sort-arrow" aria-hidden="true">{sorted === 'asc' ? '▲' : '▼'}</span>}
                  </button>
                ) : column.header ? (
                  column.header
                ) : (
                  // A column of buttons has no visible header; a screen reader still gets its name.
                  <span className="visually-hidden">{column.title ?? column.id}</span>
                )}
              </div>
            );
          })}
        </div>
        <div
          className="grid-body"
          role="rowgroup"
          aria-busy={total === null || waiting}
          aria-label="Rows: arrow keys move, Enter opens, Space selects"
          ref={scrollRef}
          tabIndex={0}
          onKeyDown={onKeyDown}
          data-testid="grid-body"
        >
          {total === null ? (
            <div className="grid-skeleton" aria-hidden="true">
              {Array.from({ length: 8 }, (_, i) => (
                <div key={i} className="skeleton-row" />
              ))}
            </div>
          ) : total === 0 ? (
            <div role="row">
              <div role="gridcell">{props.empty}</div>
            </div>
          ) : (
            <div className="grid-canvas" style={{ height: virtualizer.getTotalSize() }}>
              {waiting && <RowsPlaceholder top={items[0].start} height={items[items.length - 1].end - items[0].start} />}
              {items.map((item) => {
                const row = rows.get(item.index);
                if (row === undefined) return null;
                const key = rowKey(row);
                return (
                  <DataRow
                    key={item.key}
                    row={row}
                    rowKey={key}
                    rowLabel={props.rowLabel?.(row) ?? key}
                    index={item.index}
                    top={item.start}
                    columns={columns}
                    gridTemplate={gridTemplate}
                    className={props.rowClass?.(row) ?? ''}
                    active={item.index === active}
                    selected={selected?.has(key) === true}
                    onActivate={activate}
                    onToggle={onSelectedChange ? toggle : undefined}
                  />
                );
              })}
            </div>
          )}
        </div>
        {error !== null && total !== null && (
          // A grid holds rows only: the error is one, its message an alert.
          <div className="grid-error" role="row">
            <div role="gridcell">
              <span role="alert">Could not load more rows: {error instanceof Error ? error.message : String(error)}</span>
            </div>
          </div>
        )}
      </div>
      <div className="visually-hidden" aria-live="polite" data-testid="grid-announcement">
        {announced}
      </div>
    </>
  );
}

function everyRow<T>(rows: Map<number, T>, test: (row: T) => boolean): boolean {
  for (const row of rows.values()) if (!test(row)) return false;
  return true;
}

export const emptyGrid = (title: string, body: ReactNode) => <EmptyState title={title}>{body}</EmptyState>;
