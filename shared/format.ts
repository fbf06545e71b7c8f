// Words and numbers for people; shared by the CLI and the renderer.

/** "45 s", "12 min", "3 h 12 min", "2 d 4 h". */
export function ageInWords(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

const METHOD_WORDS: Record<string, string> = {
  card: 'Card',
  us_bank_account: 'ACH debit',
  ach_debit: 'ACH debit',
  sepa_debit: 'SEPA debit',
  bacs_debit: 'Bacs debit',
  acss_debit: 'ACSS debit',
  au_becs_debit: 'BECS debit',
  link: 'Link',
  paypal: 'PayPal',
};

/** A payment method as people name it: us_bank_account → ACH debit; unknown → —. */
export const methodInWords = (method: string | null) => (method === null || method === '' ? '—' : (METHOD_WORDS[method] ?? method.replace(/_/g, ' ')));
