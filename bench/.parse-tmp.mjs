import { readFileSync, readdirSync } from 'node:fs';
import { parseAllDocuments, Parser, Lexer, Composer } from 'yaml';
const dir = '/tmp/flat/policies/flat/roles';
const texts = readdirSync(dir).map(f => readFileSync(dir + '/' + f, 'utf8'));
const mode = process.argv[2];
if (process.argv[3]) { const real = process.env; process.env = { ...real }; }
let t = performance.now();
let n = 0;
for (const text of texts) {
  if (mode === 'lex') { for (const tok of new Lexer().lex(text)) n++; }
  else if (mode === 'cst') { for (const tok of new Parser().parse(text)) n++; }
  else { const d = parseAllDocuments(text, { uniqueKeys: true, strict: true, merge: false, keepSourceTokens: false }); n += d.length; }
}
console.log(mode, (performance.now() - t).toFixed(0), 'ms', n);
