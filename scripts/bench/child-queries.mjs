// Flag queries and the account lookup in a fresh process: the first run is "cold", the median of the next ones
// "warm". TARGET is a SQLite file or a postgres:// URL. `flags` is all four lists in one computeFlags call.
// Usage: child-queries.mjs TARGET (stuck|duplicates|limited|mismatches|flags|account) [WARM_RUNS=5]
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { openStore } = require('../../dist/main/core/store/open-store.js');
const { computeFlags } = require('../../dist/main/core/flags/index.js');
const { accountView, resolveAccountId } = require('../../dist/main/core/account.js');
const { DEFAULT_FLAG_SETTINGS } = require('../../dist/shared/domain.js');

const KINDS = ['stuck', 'duplicates', 'limited', 'mismatches'];
const [target, what, warmRuns = '5'] = process.argv.slice(2);
const store = await openStore(target);
const account = await store.value('SELECT email FROM payments WHERE email IS NOT NULL ORDER BY id LIMIT 1 OFFSET 777');
const run = async () => {
  const started = process.hrtime.bigint();
  let size;
  if (what === 'account') {
    const id = await resolveAccountId(store, account);
    size = (await accountView(store, id, DEFAULT_FLAG_SETTINGS)).payments.length;
  } else if (what === 'flags') {
    const flags = await computeFlags(store, { settings: DEFAULT_FLAG_SETTINGS });
    size = KINDS.reduce((n, kind) => n + flags[kind].length, 0);
  } else {
    size = (await computeFlags(store, { settings: DEFAULT_FLAG_SETTINGS, only: what }))[what].length;
  }
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, size };
};
const cold = await run();
const warm = [];
for (let i = 0; i < Number(warmRuns); i++) warm.push((await run()).ms);
warm.sort((a, b) => a - b);
console.log(JSON.stringify({ what, coldMs: cold.ms, warmMs: warm[Math.floor(warm.length / 2)], rows: cold.size }));
await store.close();
