// Money with its currency, ages in words, times in the user's zone with UTC on hover.
import { ageInWords, methodInWords } from '../../shared/format.js';
import { formatMoney } from '../../shared/money.js';

export { ageInWords, formatMoney, methodInWords };

const local = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
export const utcText = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
export const localText = (iso: string) => local.format(new Date(iso));
/** A status, type or decision as words: partially_refunded → partially refunded. */
export const words = (identifier: string) => identifier.replace(/_/g, ' ');

const localShort = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });

/** `short` leaves out the year (it is in the UTC time on hover), for a time under another value in a narrow column. */
export function Time({ iso, short }: { iso: string | null; short?: boolean }) {
  if (!iso) return <span className="muted">—</span>;
  return (
    <time dateTime={iso} title={utcText(iso)}>
      {short ? localShort.format(new Date(iso)) : localText(iso)}
    </time>
  );
}

export function Money({ cents, currency, strong }: { cents: number; currency: string; strong?: boolean }) {
  const text = formatMoney(cents, currency);
  return <span className={`money${cents < 0 ? ' negative' : ''}${strong ? ' strong' : ''}`}>{text}</span>;
}

export const count = (n: number, one: string, many = one + 's') => `${n.toLocaleString()} ${n === 1 ? one : many}`;

const FORMAT_WORDS: Record<string, string> = {
  'payments.canonical': 'Payments',
  'payments.stripe': 'Stripe payments',
  'payments.jsonl': 'Payments (JSON lines)',
  'ledger.canonical': 'Ledger',
  'ledger.jsonl': 'Ledger (JSON lines)',
  jsonl: 'JSON lines',
  reviews: 'Review decisions',
};

/** An import's format as people name it: payments.stripe → Stripe payments; a saved column mapping says so. */
export function formatInWords(format: string): string {
  const mapped = /^(payments|ledger)\.mapping-/.exec(format);
  if (mapped) return mapped[1] === 'payments' ? 'Payments (your column mapping)' : 'Ledger (your column mapping)';
  return FORMAT_WORDS[format] ?? words(format);
}

/** A threshold in minutes as a duration: 10080 → "7 d", 15 → "15 min". */
export const minutesInWords = (minutes: number) => (minutes === 0 ? '0 min' : ageInWords(minutes * 60));

export const DURATION_UNITS = { minutes: 1, hours: 60, days: 1440 } as const;
export type DurationUnit = keyof typeof DURATION_UNITS;

/** Minutes in the largest unit that holds them whole, for an input people read: 10080 → 7 days. */
export function splitMinutes(minutes: number): { value: string; unit: DurationUnit } {
  if (minutes > 0 && minutes % DURATION_UNITS.days === 0) return { value: String(minutes / DURATION_UNITS.days), unit: 'days' };
  if (minutes > 0 && minutes % DURATION_UNITS.hours === 0) return { value: String(minutes / DURATION_UNITS.hours), unit: 'hours' };
  return { value: String(minutes), unit: 'minutes' };
}
