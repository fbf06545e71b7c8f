// IdSightings tells the importer which ids a table loading without its key may have had before in the file.
import { describe, expect, it } from 'vitest';
import { IdSightings } from '../../main/core/import/id-sightings.js';

/** Stripe-shaped charge ids from a seeded generator: the same ids on every run. */
function chargeIds(count: number): string[] {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let state = 0x2545f491;
  const next = () => (state = (Math.imul(state, 1664525) + 1013904223) | 0) >>> 26;
  return Array.from({ length: count }, () => {
    let id = 'ch_3';
    for (let i = 0; i < 24; i++) id += alphabet[next() % alphabet.length];
    return id;
  });
}

describe('id sightings', () => {
  it('say first for nearly every new id, and never again for one seen', () => {
    const seen = new IdSightings();
    const ids = [...new Set(chargeIds(500_000))];
    const first = ids.filter((id) => seen.firstSighting(id));
    // A new id whose bits are all set by others is taken as seen (measured: none to a few in 500,000): it is only
    // held back, so the bound is loose, but a filter using too few of the hash's bits would pass it by thousands.
    expect(first.length).toBeGreaterThan(ids.length - 20);
    expect(ids.filter((id) => seen.firstSighting(id))).toEqual([]);
    expect(seen.firstSighting('le_never_seen_before')).toBe(true);
    expect(seen.firstSighting('le_never_seen_before')).toBe(false);
  });
});
