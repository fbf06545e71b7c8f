import { useEffect, useState } from 'react';
import type { DataTable } from '../../shared/api.js';
import { api } from './api.js';

/** A counter that moves when any of `tables` changed (an import finished a file, a decision was saved…). */
export function useDataVersion(tables: readonly DataTable[] = ['payments', 'ledger', 'imports', 'reviews', 'settings', 'flags']): number {
  const [version, setVersion] = useState(0);
  const key = tables.join(',');
  useEffect(
    () =>
      api.on('data:changed', (change) => {
        if (change.tables.some((t) => key.split(',').includes(t))) setVersion((v) => v + 1);
      }),
    [key],
  );
  return version;
}

export function useDebounced<T>(value: T, ms = 250): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}
