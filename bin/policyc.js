#!/usr/bin/env node
// The policyc command: a thin launcher over the compiled CLI in dist/.
// The published package ships dist/; in a development checkout `npm ci` builds it (the
// `dependencies` script), and `npm run build:src` rebuilds it after a change to src/.
import module from 'node:module';

// Node >= 22.1 caches compiled code on disk between runs (about a third of start-up); older Nodes lack it.
module.enableCompileCache?.();

const entry = new URL('../dist/bundle/policyc.js', import.meta.url);

import(entry.href).then(
  ({ main }) =>
    main(process.argv.slice(2)).then(
      (code) => {
        process.exitCode = code;
      },
      (error) => {
        // main() turns every expected failure into a diagnostic; reaching here is a bug in policyc.
        process.stderr.write(`policyc: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 2;
      },
    ),
  (error) => {
    if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes(entry.pathname)) {
      process.stderr.write(
        'policyc: dist/ is not built. In a development checkout, run `npm run build:src` (npm ci does it).\n',
      );
    } else {
      process.stderr.write(
        `policyc: internal error: cannot load the compiled CLI: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    }
    process.exitCode = 2;
  },
);
