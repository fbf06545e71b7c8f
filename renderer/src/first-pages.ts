// The first page of each flag list, in its default order and unfiltered, asked for when the app starts and
// after each data change: opening a list screen then shows its rows without a round trip to the main process.
import type { ApiArgs, ApiResult, ListFilter, SortDir } from '../../shared/api.js';
import { api } from './api.js';
import { PAGE } from './components/DataGrid.js';

export type ListMethod = 'stuck:listPage' | 'duplicates:listPage' | 'limited:listPage' | 'mismatches:listPage';

export const DEFAULT_SORTS = {
  'stuck:listPage': { column: 'age', dir: 'desc' },
  'duplicates:listPage': { column: 'strength', dir: 'asc' },
  'limited:listPage': { column: 'missing', dir: 'desc' },
  'mismatches:listPage': { column: 'stake', dir: 'desc' },
} as const satisfies Record<ListMethod, { column: string; dir: SortDir }>;

const prefetched = new Map<ListMethod, Promise<unknown>>();
// Subscribed before any screen: a change drops what was fetched before it, ahead of the screens reloading.
api.on('data:changed', () => prefetched.clear());

export function prefetchFirstPages(): void {
  for (const method of Object.keys(DEFAULT_SORTS) as ListMethod[]) {
    const page = api[method]({ offset: 0, limit: PAGE, sort: DEFAULT_SORTS[method] } as never);
    page.catch(() => prefetched.delete(method)); // the screen asks again and shows the error itself
    prefetched.set(method, page);
  }
}

const unfiltered = (filter: ListFilter | undefined) =>
  (filter?.review ?? 'any') === 'any' && !filter?.text && filter?.stage === undefined && filter?.whilePending === undefined && filter?.mismatchKind === undefined;

/** One page of a list: the prefetched first page when that is what is asked for (once), else a request. */
export function listPage<M extends ListMethod>(method: M, args: ApiArgs<M>): Promise<ApiResult<M>> {
  const first = prefetched.get(method);
  prefetched.delete(method);
  const isFirst = args.offset === 0 && args.limit === PAGE && args.sort?.column === DEFAULT_SORTS[method].column && args.sort.dir === DEFAULT_SORTS[method].dir;
  if (first && isFirst && unfiltered(args.filter)) return first as Promise<ApiResult<M>>;
  return api[method](args as never) as Promise<ApiResult<M>>;
}
