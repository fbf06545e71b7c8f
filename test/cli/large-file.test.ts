// A file large enough to be parsed in the parse worker (over 4 MB) must import exactly like a small one.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PAYMENTS_HEADER, tempDir, writeExport } from '../support/db.js';

const BIN = path.resolve(__dirname, '../../bin/paydesk.js');

describe('a large export through the parse worker', () => {
  it('reports the same counts, error lines and raw text as the in-thread path', () => {
    const rows: string[] = [PAYMENTS_HEADER];
    for (let i = 0; i < 60_000; i++) {
      if (i === 10) rows.push(`pay_${i},acct_${i % 900},10.00,usd,succeeded,2026-03-15T10:00:00Z,,,u${i}@example.com,"a quoted`, `newline"`);
      else if (i === 40_000) rows.push(`pay_${i},acct_1,12.345,usd,succeeded,2026-03-15T10:00:00Z,,,,`);
      else rows.push(`pay_${i},acct_${i % 900},10.00,usd,succeeded,2026-03-15T10:${String(i % 60).padStart(2, '0')}:00Z,,in_${i},u${i}@example.com,credit pack ${'x'.repeat(40)}`);
    }
    rows.push(`pay_9,acct_1,10.00,usd,teleported,2026-03-15T10:00:00Z,,,,`);
    const file = writeExport('payments.csv', rows.join('\n') + '\n');
    const db = path.join(tempDir(), 'p.db');
    const result = spawnSync(process.execPath, [BIN, 'import', '--db', db, '--json', file], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    const [report] = JSON.parse(result.stdout).files;
    expect(report).toMatchObject({ status: 'imported', format: 'payments.canonical', rows: 60_001, inserted: 59_999, rejected: 2 });
    // line 1 header, lines 2..11 rows 0..9, row 10 spans lines 12-13, so row i > 10 starts on line i + 3
    expect(report.errors).toEqual([
      { line: 40_003, reason: 'amount: more decimals than usd allows (2)', raw: 'pay_40000,acct_1,12.345,usd,succeeded,2026-03-15T10:00:00Z,,,,' },
      { line: 60_003, reason: 'status: unknown status "teleported"', raw: 'pay_9,acct_1,10.00,usd,teleported,2026-03-15T10:00:00Z,,,,' },
    ]);
  });
});
