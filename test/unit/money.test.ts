import { describe, expect, it } from 'vitest';
import { currencyExponent } from '../../shared/currencies.js';
import { formatMinor, formatMoney, parseDecimalMoney, parseMinorUnits, parseMoneyIn } from '../../shared/money.js';

describe('money parsing', () => {
  it.each([
    ['10', 'usd', 1000],
    ['10.5', 'usd', 1050],
    ['10.50', 'USD', 1050],
    ['1,234.56', 'usd', 123456],
    ['-3.00', 'usd', -300],
    ['0.07', 'usd', 7],
    ['1000', 'jpy', 1000],
    ['1.234', 'bhd', 1234],
    ['0.1', 'usd', 10],
    ['  42.00 ', 'eur', 4200],
  ])('%s %s is %d minor units', (text, currency, minor) => {
    expect(parseMoneyIn(text, currency)).toEqual({ ok: true, minor });
  });

  it('rejects more decimals than the currency has, naming the currency', () => {
    expect(parseMoneyIn('12.345', 'usd')).toEqual({ ok: false, reason: 'more decimals than usd allows (2)' });
    expect(parseMoneyIn('1000.5', 'JPY')).toMatchObject({ ok: false, reason: expect.stringContaining('jpy') });
  });

  it.each(['', '1.2.3', 'abc', '1,23.00', '$5', '1e3', '--1', '12,34'])('rejects "%s"', (text) => {
    expect(parseDecimalMoney(text, 2).ok).toBe(false);
  });

  it('reads signed decimals of any length exactly, or refuses them, as whole-number arithmetic says', () => {
    // Seeded: the same 20,000 amounts every run, up to 18 digits before the point and 4 after, for 0, 2 and 3 decimals.
    let seed = 2024;
    const next = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
    const someDigits = (count: number) => Array.from({ length: count }, () => String(next(10))).join('');
    for (let i = 0; i < 20000; i++) {
      const [minus, whole, point, fraction] = [next(4) === 0 ? '-' : '', someDigits(next(19)), next(3) > 0, someDigits(next(5))];
      const text = `${minus}${whole}${point ? `.${fraction}` : ''}`;
      const decimals = point ? fraction : '';
      for (const exponent of [0, 2, 3]) {
        const expected = BigInt(`${whole}${decimals.padEnd(exponent, '0')}` || '0') * (minus ? -1n : 1n);
        const readable = whole + decimals !== '' && decimals.length <= exponent && (expected < 0n ? -expected : expected) <= BigInt(Number.MAX_SAFE_INTEGER);
        const result = parseDecimalMoney(text, exponent);
        if (readable) expect(result, `${text} (${exponent})`).toEqual({ ok: true, minor: Number(expected) });
        else expect(result.ok, `${text} (${exponent})`).toBe(false);
      }
    }
  });

  it('rejects amounts beyond exact integer range instead of rounding them', () => {
    expect(parseMoneyIn('900719925474099.92', 'usd').ok).toBe(false);
    expect(parseMoneyIn('90071992547409.91', 'usd')).toEqual({ ok: true, minor: 9007199254740991 });
  });

  it('rejects unknown currencies', () => {
    expect(parseMoneyIn('1.00', 'xyz')).toEqual({ ok: false, reason: 'unknown currency "xyz"' });
  });

  it('reads *_cents columns as whole minor units only', () => {
    expect(parseMinorUnits('1999')).toEqual({ ok: true, minor: 1999 });
    expect(parseMinorUnits('-5')).toEqual({ ok: true, minor: -5 });
    expect(parseMinorUnits('19.99').ok).toBe(false);
  });

  it('knows ISO 4217 exponents', () => {
    expect([currencyExponent('usd'), currencyExponent('JPY'), currencyExponent('kwd'), currencyExponent('clf')]).toEqual([2, 0, 3, 4]);
    expect(currencyExponent('abc')).toBeUndefined();
  });
});

describe('money formatting', () => {
  it('formats minor units without floats', () => {
    expect(formatMinor(123456, 2)).toBe('1234.56');
    expect(formatMinor(-5, 2)).toBe('-0.05');
    expect(formatMinor(1000, 0)).toBe('1000');
    expect(formatMinor(1, 3)).toBe('0.001');
    expect(formatMoney(123456789, 'usd')).toBe('1,234,567.89 USD');
    expect(formatMoney(-500, 'usd')).toBe('-5.00 USD');
  });

  it('round-trips through parse for every exponent', () => {
    for (const exponent of [0, 2, 3, 4]) {
      for (const minor of [0, 1, -1, 99, 100, 123456789, -987654321]) {
        expect(parseDecimalMoney(formatMinor(minor, exponent), exponent)).toEqual({ ok: true, minor });
      }
    }
  });
});
