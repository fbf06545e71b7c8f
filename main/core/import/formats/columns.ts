// Header handling shared by every CSV format: names match case-insensitively, ignoring surrounding spaces.

export function normaliseHeaderName(name: string): string {
  return name.replace(/^\uFEFF/, '').trim().toLowerCase();
}

/** Maps normalised header names to their column index (the first one wins when a name repeats). */
export class HeaderIndex {
  private readonly positions = new Map<string, number>();

  constructor(readonly names: readonly string[]) {
    names.forEach((name, i) => {
      const key = normaliseHeaderName(name);
      if (!this.positions.has(key)) this.positions.set(key, i);
    });
  }

  has(name: string): boolean {
    return this.positions.has(normaliseHeaderName(name));
  }

  /** The index of the first of `names` present, or -1. */
  find(...names: string[]): number {
    for (const name of names) {
      const i = this.positions.get(normaliseHeaderName(name));
      if (i !== undefined) return i;
    }
    return -1;
  }

  /** A stable key for "the same header", whatever the column order: used to look up saved mappings. */
  signature(): string {
    return [...this.positions.keys()].sort().join('\u001f');
  }
}

/** The trimmed value of a column, or '' when the column is absent (-1) or the record is short. */
export function cell(fields: readonly string[], index: number): string {
  if (index < 0) return '';
  const value = fields[index];
  return value === undefined ? '' : value.trim();
}

export const orNull = (value: string): string | null => (value === '' ? null : value);
