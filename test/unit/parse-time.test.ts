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

  it('reads the three common forms exactly, and refuses their impossible values with the reasons above', () => {
    // Seeded: the same 6,000 timestamps every run, valid and out of range, across years, months and days.
    let seed = 12345;
    const next = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
    const pad = (value: number, width: number) => String(value).padStart(width, '0');
    for (let i = 0; i < 6000; i++) {
      const [year, month, day] = [1960 + next(150), next(14), next(33)];
      const [hour, minute, second, millis] = [next(25), next(61), next(61), next(1000)];
      const date = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
      const time = `${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}`;
      const valid = year >= 1970 && month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate()
        && hour <= 23 && minute <= 59 && second <= 59;
      const forms = [[`${date} ${time}`, 0], [`${date}T${time}Z`, 0], [`${date}T${time}.${pad(millis, 3)}Z`, millis]] as const;
      for (const [text, ms] of forms) {
        const result = parseExportTime(text);
        if (valid) expect(result, text).toEqual({ ok: true, ms: Date.UTC(year, month - 1, day, hour, minute, second, ms) });
        else expect(result, text).toMatchObject({ ok: false, reason: expect.stringMatching(/^(implausible year|impossible date|impossible time)/) });
      }
    }
  });
});
