#!/usr/bin/env node
'use strict';
// The built CLI (npm ci runs the build through `prepare`).
const { runCli } = require('../dist/main/cli/index.js');
runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
