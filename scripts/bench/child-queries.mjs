// Flag queries and the account lookup in a fresh process: the first run is "cold", the median of the
// next ones "warm". Usage: child-queries.mjs DB (stuck|duplicates|limited|account) [WARM_RUNS=5]
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { openDb } = require('../../dist/main/core/db/open.js');
const { computeFlags } = require('../../dist/main/core/flags/index.js');
const { accountView, resolveAccountId } = require('../../dist/main/core/account.js');
const { DEFAULT_FLAG_SETTINGS } = require('../../dist/shared/domain.js');

const [dbFile, what, warmRuns = '5'] = process.argv.slice(2);
const db = openDb(dbFile);
const account = db.prepare('SELECT email FROM payments WHERE email IS NOT NULL ORDER BY id LIMIT 1 OFFSET 777').get()?.email;
const run = () => {
  const started = process.hrtime.bigint();
  let size;
  if (what === 'account') {
    const id = resolveAccountId(db, account);
    size = accountView(db, id, DEFAULT_FLAG_SETTINGS).payments.length;
  } else {
    size = computeFlags(db, { settings: DEFAULT_FLAG_SETTINGS, only: what })[what].length;
  }
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, size };
};
const cold = run();
const warm = Array.from({ length: Number(warmRuns) }, run).map((r) => r.ms).sort((a, b) => a - b);
console.log(JSON.stringify({ what, coldMs: cold.ms, warmMs: warm[Math.floor(warm.length / 2)], rows: cold.size }));
db.close();
