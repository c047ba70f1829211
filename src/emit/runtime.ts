import { readFileSync } from 'node:fs';

/**
 * The runtime every generated module carries, read from its real, type-checked source in
 * src/runtime/ and copied in verbatim but for two mechanical edits: its `import` lines go (the
 * names they import are the module's own declarations, see src/runtime/data.ts), and helpers
 * lose `export` (only the API is the module's). The package ships src/runtime/*.ts for this
 * (package.json `files`); the path is the same from src/emit/ (tests, tsx) and dist/emit/.
 */
const PARTS = [
  { file: 'bits.ts', exported: false },
  { file: 'collection-table.ts', exported: false },
  { file: 'custom-rows.ts', exported: false },
  { file: 'api.ts', exported: true },
  { file: 'define-role.ts', exported: true },
] as const;

/** The folder of the runtime sources, from this file in src/emit/ or dist/emit/. */
const RUNTIME_DIR = new URL('../../src/runtime/', import.meta.url);

let cached: { helpers: string; api: string } | undefined;

/**
 * The runtime's text: `helpers` (functions the data needs: decoder, collection tables) and `api`
 * (the rows of run-time roles, the exported functions and defineRole, which read the data).
 */
export function runtimeSource(): { helpers: string; api: string } {
  if (cached) return cached;
  const text = PARTS.map(({ file, exported }) => {
    const source = readFileSync(new URL(file, RUNTIME_DIR), 'utf8');
    // INVARIANT: runtime files import on one line each or with one name per line, ending `from "./x.js";`.
    let body = source.replace(/^import\b[^;]*?from\s+"\.\/[a-z-]+\.js";\n/gms, '');
    if (/^import\b/m.test(body)) throw new Error(`src/runtime/${file}: an import the emitter cannot remove`);
    if (!exported) body = body.replace(/^export (function|const|interface|class|type) /gm, '$1 ');
    return `// ---- src/runtime/${file} ----\n${body.trim()}`;
  });
  cached = { helpers: `${text[0]}\n\n${text[1]}`, api: text.slice(2).join('\n\n') };
  return cached;
}
