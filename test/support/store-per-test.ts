// For a describeStores suite whose tests each want empty stores of the suite's kind: a store per call, every
// one closed (and on PostgreSQL dropped) after the test that opened it.
import { afterEach } from 'vitest';
import type { Store } from '../../main/core/store/store.js';
import { freshStore, type FreshStore, type StoreKind } from './stores.js';

/** Call inside the suite: it registers the afterEach that closes what the returned function opened. */
export function storesPerTest(kind: StoreKind): () => Promise<Store> {
  const opened: FreshStore[] = [];
  afterEach(async () => {
    while (opened.length) await opened.pop()!.close();
  });
  return async () => {
    const fresh = await freshStore(kind);
    opened.push(fresh);
    return fresh.store;
  };
}
