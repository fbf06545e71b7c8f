// Saved column mappings: how to read another processor's export, keyed by its header.
import type { Store } from './store/store.js';
import {
  LEDGER_FIELDS,
  PAYMENT_FIELDS,
  REQUIRED_LEDGER_FIELDS,
  REQUIRED_PAYMENT_FIELDS,
} from './import/formats/canonical.js';
import { HeaderIndex } from './import/formats/columns.js';
import type { SavedMapping } from './import/formats/recognise.js';

export interface MappingInput {
  kind: 'payments' | 'ledger';
  headerNames: readonly string[];
  fields: Record<string, string>;
}

interface MappingRow {
  id: number;
  kind: 'payments' | 'ledger';
  header_signature: string;
  header: string;
  fields: string;
  created_at: number;
}

export interface MappingSummary extends SavedMapping {
  header: string;
  createdAt: string;
}

export async function listMappings(db: Store): Promise<MappingSummary[]> {
  return ((await db.all('SELECT * FROM column_mappings ORDER BY id')) as MappingRow[]).map((row) => ({
    id: row.id,
    kind: row.kind,
    headerSignature: row.header_signature,
    header: row.header,
    fields: JSON.parse(row.fields) as Record<string, string>,
    createdAt: new Date(row.created_at).toISOString(),
  }));
}

/** Checks a mapping against the header it is for; returns the problems, empty when it can be saved. */
export function mappingProblems(input: MappingInput): string[] {
  const header = new HeaderIndex(input.headerNames);
  const known: readonly string[] = input.kind === 'payments' ? PAYMENT_FIELDS : LEDGER_FIELDS;
  const required: readonly string[] = input.kind === 'payments' ? REQUIRED_PAYMENT_FIELDS : REQUIRED_LEDGER_FIELDS;
  const problems: string[] = [];
  for (const [field, column] of Object.entries(input.fields)) {
    if (!known.includes(field)) problems.push(`"${field}" is not a ${input.kind} field (${known.join(', ')})`);
    else if (!header.has(column)) problems.push(`the file has no column "${column}" (for ${field})`);
  }
  for (const field of required) if (!(field in input.fields)) problems.push(`${field} must be mapped`);
  if (!('amount' in input.fields) && !('amount_cents' in input.fields)) problems.push('amount or amount_cents must be mapped');
  return problems;
}

export async function saveMapping(db: Store, input: MappingInput): Promise<number> {
  const problems = mappingProblems(input);
  if (problems.length) throw new Error(`cannot save the mapping: ${problems.join('; ')}`);
  const header = new HeaderIndex(input.headerNames);
  (await db.run(`INSERT INTO column_mappings (kind, header_signature, header, fields, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (header_signature) DO UPDATE SET kind = excluded.kind, header = excluded.header, fields = excluded.fields`, [input.kind, header.signature(), input.headerNames.join(','), JSON.stringify(input.fields), Date.now()]));
  const row = (await db.get('SELECT id FROM column_mappings WHERE header_signature = ?', [header.signature()])) as { id: number };
  return row.id;
}

export async function deleteMapping(db: Store, id: number): Promise<boolean> {
  return (await db.run('DELETE FROM column_mappings WHERE id = ?', [id])).changes === 1;
}
