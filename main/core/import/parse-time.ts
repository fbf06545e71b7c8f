// Export timestamps: ISO 8601 with `Z` or an offset, or `YYYY-MM-DD HH:MM[:SS]` taken as UTC (processor
// exports say "(UTC)" in the header). Returns epoch milliseconds, or a reason.

export type TimeResult = { ok: true; ms: number } | { ok: false; reason: string };

const ISO_ZONED =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)$/;
const UTC_WALL = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;

export function parseExportTime(text: string): TimeResult {
  const common = commonFormTime(text);
  if (common !== undefined) return { ok: true, ms: common };
  const value = text.trim();
  const zoned = ISO_ZONED.exec(value);
  if (zoned) return build(zoned, zoned[8]);
  const wall = UTC_WALL.exec(value);
  // A bare `T` form has no zone and no "(UTC)" promise behind it: refuse to guess.
  if (wall && value.includes(' ')) return build(wall, 'Z');
  if (wall) return { ok: false, reason: `time without a zone offset: "${value}" (add Z or +HH:MM)` };
  return { ok: false, reason: `not a timestamp: "${value}"` };
}

function build(parts: RegExpExecArray, zone: string): TimeResult {
  const year = Number(parts[1]);
  const month = Number(parts[2]);
  const day = Number(parts[3]);
  const hour = Number(parts[4]);
  const minute = Number(parts[5]);
  const second = parts[6] === undefined ? 0 : Number(parts[6]);
  const millis = parts[7] === undefined ? 0 : Number(parts[7].slice(0, 3).padEnd(3, '0'));
  if (year < 1970) return { ok: false, reason: `implausible year: "${parts[0]}"` };
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, reason: `impossible date: "${parts[0]}"` };
  }
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, reason: `impossible time: "${parts[0]}"` };
  const offset = zoneOffsetMinutes(zone);
  if (offset === undefined) return { ok: false, reason: `impossible zone offset: "${zone}"` };
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offset * 60_000;
  return { ok: true, ms };
}

const DASH = 0x2d;
const COLON = 0x3a;
const SPACE = 0x20;
const DOT = 0x2e;
const T = 0x54;
const Z = 0x5a;

/**
 * The forms nearly every export writes, read without a regular expression (a million-row export has a few million
 * timestamps): `YYYY-MM-DD HH:MM:SS` (UTC by the header), `YYYY-MM-DDTHH:MM:SSZ` and `YYYY-MM-DDTHH:MM:SS.mmmZ`.
 * Undefined for any other text, and for a value out of range, which parseExportTime's general path reads and
 * explains.
 */
function commonFormTime(text: string): number | undefined {
  const n = text.length;
  if (n !== 19 && n !== 20 && n !== 24) return undefined;
  if (text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH || text.charCodeAt(13) !== COLON || text.charCodeAt(16) !== COLON) {
    return undefined;
  }
  let millis = 0;
  if (n === 19) {
    if (text.charCodeAt(10) !== SPACE) return undefined;
  } else {
    if (text.charCodeAt(10) !== T || text.charCodeAt(n - 1) !== Z) return undefined;
    if (n === 24 && (text.charCodeAt(19) !== DOT || (millis = digitsAt(text, 20, 3)) < 0)) return undefined;
  }
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  return dayStart(year, month, day) + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
}

/** The number the `count` decimal digits from `from` write, or -1 when one of them is not a digit. */
function digitsAt(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

// Rows come by the thousand per day: the day's start is worked out once per run of the same day.
let lastDay = -1;
let lastDayStart = 0;

function dayStart(year: number, month: number, day: number): number {
  const key = (year * 100 + month) * 100 + day;
  if (key !== lastDay) {
    lastDayStart = Date.UTC(year, month - 1, day);
    lastDay = key;
  }
  return lastDayStart;
}

function zoneOffsetMinutes(zone: string): number | undefined {
  if (zone === 'Z' || zone === 'z') return 0;
  const match = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (!match) return undefined;
  const hours = Number(match[2]);
  const minutes = match[3] === undefined ? 0 : Number(match[3]);
  if (hours > 18 || minutes > 59) return undefined;
  return (match[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
}

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}
