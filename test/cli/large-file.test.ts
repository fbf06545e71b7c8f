// A file large enough to be parsed in the parse worker (over 4 MB) must import exactly like a small one.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../main/core/db/open.js';
import { syncPaths } from '../../main/core/import/sync.js';
import { fileDb, PAYMENTS_HEADER, tempDir, writeExport } from '../support/db.js';

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

  it('recognises the unchanged rows of a newer snapshot as the in-thread path does reading them in full', async () => {
    const row = (i: number, status = 'succeeded') =>
      `pay_${String(i).padStart(6, '0')},acct_${i % 900},10.00,usd,${status},2026-03-15T10:${String(i % 60).padStart(2, '0')}:00Z,,in_${i},u${i}@example.com,credit pack ${'x'.repeat(40)}`;
    const first = Array.from({ length: 60_000 }, (_, i) => row(i));
    const snapshot = first.map((line, i) => (i % 100 === 0 ? row(i, 'refunded') : line));
    snapshot.splice(30_000, 0, 'pay_bad,acct_1,12.345,usd,succeeded,2026-03-15T10:00:00Z,,,,', row(5, 'pending'));
    const dir = tempDir();
    const files = [writeExport('payments.csv', [PAYMENTS_HEADER, ...first].join('\n') + '\n', dir), writeExport('payments-newer.csv', [PAYMENTS_HEADER, ...snapshot].join('\n') + '\n', dir)];

    const cliDb = path.join(dir, 'cli.db');
    const viaWorker = files.map((file) => {
      const result = spawnSync(process.execPath, [BIN, 'import', '--db', cliDb, '--json', file], { encoding: 'utf8' });
      expect(result.status).toBe(0);
      return JSON.parse(result.stdout).files[0];
    });
    const inThread = fileDb(path.join(dir, 'in-thread.db'));
    await syncPaths(inThread, [files[0]]);
    await inThread.exec('UPDATE payments SET row_hash_hi = NULL, row_hash_lo = NULL'); // every row read in full
    const [full] = await syncPaths(inThread, [files[1]]);

    const counts = ({ rows, inserted, updated, unchanged, rejected, errors }: typeof full) => ({ rows, inserted, updated, unchanged, rejected, errors });
    expect(viaWorker[1]).toMatchObject(counts(full));
    expect(full).toMatchObject({ rows: 60_002, inserted: 0, updated: 600, unchanged: 59_401, rejected: 1 });
    expect(full.errors).toEqual([{ line: 30_002, reason: 'amount: more decimals than usd allows (2)', raw: 'pay_bad,acct_1,12.345,usd,succeeded,2026-03-15T10:00:00Z,,,,' }]);
    const cli = openDb(cliDb);
    const payments = 'SELECT id, status, updated_at, import_id - (SELECT min(id) FROM imports) FROM payments ORDER BY id';
    expect(cli.prepare(payments).raw().all()).toEqual(inThread.prepare(payments).raw().all());
    cli.close();
    await inThread.close();
  });

  it('skips a copy of an imported export under another name by its content hash, and then imports a changed one', () => {
    const rows = Array.from({ length: 60_000 }, (_, i) => `pay_${i},acct_${i % 900},10.00,usd,succeeded,2026-03-15T10:00:00Z,,in_${i},u${i}@example.com,credit pack ${'x'.repeat(40)}`);
    const dir = tempDir();
    const first = writeExport('payments.csv', [PAYMENTS_HEADER, ...rows].join('\n') + '\n', dir);
    const copy = path.join(dir, 'payments (copy).csv');
    fs.copyFileSync(first, copy);
    rows[59_999] = rows[59_999].replace('succeeded', 'refunded');
    const changed = writeExport('payments-changed.csv', [PAYMENTS_HEADER, ...rows].join('\n') + '\n', dir);
    const db = path.join(dir, 'p.db');
    const result = spawnSync(process.execPath, [BIN, 'import', '--db', db, '--json', first, copy, changed], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    const reports = JSON.parse(result.stdout).files;
    expect(reports.map((r: { status: string; reason?: string }) => [r.status, r.reason])).toEqual([
      ['imported', undefined],
      ['skipped', 'same content imported before'],
      ['imported', undefined],
    ]);
    expect(reports[2]).toMatchObject({ inserted: 0, updated: 1, unchanged: 59_999 });
    const stored = openDb(db);
    expect(stored.prepare(`SELECT status, content_hash IS NOT NULL AS hashed FROM imports ORDER BY id`).all()).toEqual([
      { status: 'imported', hashed: 1 },
      { status: 'skipped', hashed: 1 },
      { status: 'imported', hashed: 1 },
    ]);
    stored.close();
  });
});
