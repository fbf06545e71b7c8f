#!/usr/bin/env node
'use strict';
// The built CLI (npm ci runs the build through `prepare`).
const path = require('node:path');

/**
 * One line for a better-sqlite3 that cannot load under this Node, or null for any other error. A desktop
 * `npm start` or `npm run dist` leaves it built for Electron (another NODE_MODULE_VERSION); the CLI says how to get
 * a Node build back rather than rebuilding by itself (a compile of about a minute, in node_modules, that a script
 * calling paydesk did not ask for) or crashing with the loader's message.
 */
function nativeModuleProblem(error) {
  const message = String((error && error.message) || '');
  const where = path.resolve(__dirname, '..');
  const fix = `run \`npm rebuild better-sqlite3\` in ${where}, then try again`;
  const abi = /NODE_MODULE_VERSION (\d+)[\s\S]*?NODE_MODULE_VERSION (\d+)/.exec(message);
  if (abi) {
    return `paydesk: better-sqlite3 is built for another runtime (NODE_MODULE_VERSION ${abi[1]}, Electron's after a desktop \`npm start\`), not for this Node (${abi[2]}): ${fix}.`;
  }
  if (/Could not locate the bindings file/.test(message)) return `paydesk: better-sqlite3 has no native build for this Node: ${fix}.`;
  if (error && error.code === 'ERR_DLOPEN_FAILED' && /better_sqlite3\.node/.test(message)) {
    return `paydesk: better-sqlite3's native module does not load under this Node (${message.split('\n').join(' ')}): ${fix}.`;
  }
  return null;
}

function main() {
  try {
    new (require('better-sqlite3'))(':memory:').close();
  } catch (error) {
    const problem = nativeModuleProblem(error);
    if (problem) {
      process.stderr.write(problem + '\n');
      process.exitCode = 1;
      return;
    }
    // Anything else: the command reports it where it opens its database.
  }
  const { runCli } = require('../dist/main/cli/index.js');
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) main();

module.exports = { nativeModuleProblem };
