#!/usr/bin/env node
// The policyc command: a thin launcher over the compiled CLI in dist/.
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    // main() turns every expected failure into a diagnostic; reaching here is a bug in policyc.
    process.stderr.write(`policyc: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
