// IdSightings tells the importer which ids a table loading without its key may have had before in the file.
import { describe, expect, it } from 'vitest';
import { IdSightings } from '../../main/core/import/id-sightings.js';

describe('id sightings', () => {
  it('say first for each id once, and never first again, past several growths', () => {
    const seen = new IdSightings();
    const ids = Array.from({ length: 300_000 }, (_, i) => `ch_3${(i * 2654435761 % 4294967296).toString(36)}_${i}`);
    const first = ids.filter((id) => seen.firstSighting(id));
    // Two ids may share a 32-bit hash (a handful in 300,000): the later is then not first, which only holds it back.
    expect(first.length).toBeGreaterThan(ids.length - 50);
    expect(ids.filter((id) => seen.firstSighting(id))).toEqual([]);
    expect(seen.firstSighting('le_never_seen_before')).toBe(true);
  });
});
