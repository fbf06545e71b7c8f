import { describe, expect, it } from 'vitest';
import { parseExportTime } from '../../main/core/import/parse-time.js';

const ms = (iso: string) => Date.parse(iso);

describe('export timestamps', () => {
  it.each([
    ['2026-03-15T12:00:00Z', '2026-03-15T12:00:00.000Z'],
    ['2026-03-15T14:00:00+02:00', '2026-03-15T12:00:00.000Z'],
    ['2026-03-15T07:00:00-0500', '2026-03-15T12:00:00.000Z'],
    ['2026-03-15T12:00:00.123456Z', '2026-03-15T12:00:00.123Z'],
    ['2026-03-15T12:00Z', '2026-03-15T12:00:00.000Z'],
    ['2026-03-15 12:00:00', '2026-03-15T12:00:00.000Z'],
    ['2026-03-15 12:00', '2026-03-15T12:00:00.000Z'],
  ])('%s is %s', (text, iso) => {
    expect(parseExportTime(text)).toEqual({ ok: true, ms: ms(iso) });
  });

  it.each([
    ['2026-02-30T00:00:00Z', 'impossible date'],
    ['2026-13-01 00:00', 'impossible date'],
    ['2026-03-15 24:00', 'impossible time'],
    ['2026-03-15T12:00:00', 'without a zone'],
    ['15/03/2026 12:00', 'not a timestamp'],
    ['2026-03-15T12:00:00+25:00', 'zone offset'],
  ])('rejects %s (%s)', (text, reason) => {
    const result = parseExportTime(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  it('accepts 29 February only in leap years', () => {
    expect(parseExportTime('2028-02-29 00:00').ok).toBe(true);
    expect(parseExportTime('2026-02-29 00:00').ok).toBe(false);
    expect(parseExportTime('2000-02-29T00:00:00Z').ok).toBe(true); // divisible by 400
    expect(parseExportTime('2100-02-29T00:00:00Z').ok).toBe(false); // by 100, not 400
  });

  it('knows the length of every month', () => {
    const lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    lengths.forEach((days, i) => {
      const month = String(i + 1).padStart(2, '0');
      expect(parseExportTime(`2027-${month}-${days} 23:59:59`)).toEqual({ ok: true, ms: Date.UTC(2027, i, days, 23, 59, 59) });
      expect(parseExportTime(`2027-${month}-${days + 1} 00:00`).ok).toBe(false);
    });
  });
});
