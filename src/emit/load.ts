import { createRequire } from 'node:module';
import { eraseTypes } from './erase-types.js';
import { printedCode } from './generated-file.js';
import { runtimeSource } from './runtime.js';

type TypeScript = typeof import('ts-morph').ts;

/** The runtime's sections (identical in every generated module) by their text, as JavaScript. */
const transpiledRuntime = new Map<string, string>();

/** The set's own top-level statements by their text, as JavaScript: variants of a set share most of them. */
const transpiledStatements = new Map<string, string>();
/** A bound on the statements kept: a long run over many sets forgets and starts again. */
const MAX_STATEMENTS = 20_000;

/** The runtime's two sections as GeneratedFile.print() lays them out in a module (printedCode keeps them). */
function runtimeAsPrinted(): { helpers: string; api: string } {
  const { helpers, api } = runtimeSource();
  return { helpers: printedCode(helpers), api: printedCode(api) };
}

/** Strips the types of a run of whole top-level statements: blanked where it can be, else compiled. */
function stripTypes(ts: TypeScript, text: string): string {
  const erased = eraseTypes(ts, text);
  if (erased !== 'syntax' && erased !== 'unsupported') return erased;
  // A part without import or export is compiled as a script, which gets "use strict": the module it joins is strict.
  return transpile(ts, text).outputText.replace(/^"use strict";\n/m, '');
}

function transpile(ts: TypeScript, text: string, reportDiagnostics = false) {
  return ts.transpileModule(text, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: false },
    reportDiagnostics,
  });
}

/**
 * Cuts text printed by GeneratedFile into top-level statements: the printer indents everything
 * nested and string literals cannot span lines, so a line that starts at column 0 with a
 * declaration or a comment starts a statement (see spaceDeclarations in generated-file.ts).
 */
export function topLevelStatements(text: string): string[] {
  const starts = /^(?:\/\*\*|\/\/|export |const |let |function |interface |class |type |declare )/;
  const statements: string[] = [];
  let current: string[] = [];
  let inDoc = false;
  for (const line of text.split('\n')) {
    if (!inDoc && starts.test(line) && current.some((l) => l.trim() !== '' && !/^\s*(\/\*\*|\*|\/\/)/.test(l))) {
      statements.push(current.join('\n'));
      current = [];
    }
    if (line.startsWith('/**')) inDoc = !line.includes('*/');
    else if (inDoc && line.includes('*/')) inDoc = false;
    current.push(line);
  }
  statements.push(current.join('\n'));
  return statements;
}

/**
 * Strips the types of the set's own declarations statement by statement, reusing what an earlier
 * variant of the set already stripped. A statement that does not parse alone (the cut above was
 * wrong) sends the whole part to be stripped at once instead.
 */
function stripDeclarations(ts: TypeScript, text: string, statements = topLevelStatements(text)): string {
  const out: string[] = [];
  for (const statement of statements) {
    let js = transpiledStatements.get(statement);
    if (js === undefined) {
      js = stripStatement(ts, statement);
      if (js === undefined) return stripTypes(ts, text);
      if (transpiledStatements.size >= MAX_STATEMENTS) transpiledStatements.clear();
      transpiledStatements.set(statement, js);
    }
    out.push(js);
  }
  return out.join('\n');
}

/** One top-level statement as JavaScript, or undefined when it does not parse alone. */
function stripStatement(ts: TypeScript, statement: string): string | undefined {
  const erased = eraseTypes(ts, statement);
  if (erased === 'syntax') return undefined;
  if (erased !== 'unsupported') return erased;
  const result = transpile(ts, statement, true);
  // Syntax errors only: those are the diagnostics with a place in the text (not the options').
  if ((result.diagnostics ?? []).some((d) => d.file !== undefined && d.category === ts.DiagnosticCategory.Error))
    return undefined;
  // A type alone strips to `export {};` (the module stays a module); the runtime's exports already make it one.
  return result.outputText.replace(/^"use strict";\n/m, '').replace(/^export \{\};\n/m, '');
}

/**
 * A generated module cut around the runtime it carries: the set's own declarations before, between
 * and after the runtime's two sections, which are at indices 1 and 3. Undefined when the module
 * does not carry this policyc's runtime as printed (then it is transpiled whole).
 */
export function splitGeneratedModule(source: string): string[] | undefined {
  const { helpers, api } = runtimeAsPrinted();
  const h = source.indexOf(helpers);
  const a = h < 0 ? -1 : source.indexOf(api, h + helpers.length);
  if (a < 0) return undefined;
  return [source.slice(0, h), helpers, source.slice(h + helpers.length, a), api, source.slice(a + api.length)];
}

/**
 * Erases the types of the statements no earlier module had, all at once (one parse), and keeps
 * each statement's JavaScript: erasing keeps offsets, so it is at the statement's own offsets.
 * Statements erased together are used apart, so no blank may depend on the statement after it.
 * When the batch is refused, the statements are left to stripDeclarations, one by one.
 */
function eraseNewStatements(ts: TypeScript, statements: readonly string[]): void {
  const fresh = [...new Set(statements.filter((s) => !transpiledStatements.has(s)))];
  if (fresh.length === 0) return;
  const ends = new Set<number>();
  let at = 0;
  for (const s of fresh) {
    at += s.length;
    ends.add(at);
    at += 1;
  }
  const erased = eraseTypes(ts, fresh.join('\n'), ends);
  if (erased === 'syntax' || erased === 'unsupported') return;
  if (transpiledStatements.size + fresh.length > MAX_STATEMENTS) transpiledStatements.clear();
  at = 0;
  for (const s of fresh) {
    transpiledStatements.set(s, erased.slice(at, at + s.length));
    at += s.length + 1;
  }
}

/**
 * A generated module's JavaScript. The runtime copied into every module (most of its text) is
 * stripped once per process and reused; of the set's own declarations around it, only the
 * statements no earlier module had are stripped, so a run that loads many variants of a set (the
 * Gherkin steps) pays for the runtime once and for each variant's changed statements. Each part
 * is a run of whole top-level statements and the module uses only erasable syntax, so stripping
 * the parts apart gives the same code as stripping the whole.
 */
export function generatedModuleJs(ts: TypeScript, source: string): string {
  const parts = splitGeneratedModule(source);
  if (!parts) return stripTypes(ts, source);
  const statements = parts.map((text, i) => (i % 2 === 0 ? topLevelStatements(text) : []));
  eraseNewStatements(ts, statements.flat());
  return parts
    .map((text, i) => {
      if (i % 2 === 0) return stripDeclarations(ts, text, statements[i]!);
      let js = transpiledRuntime.get(text);
      if (js === undefined) {
        js = stripTypes(ts, text);
        transpiledRuntime.set(text, js);
      }
      return js;
    })
    .join('\n');
}

/** ts-morph, whose TypeScript parses the modules (~1 s to load): required on first use, so `import 'policyc'` does not pay. */
function typescript(): TypeScript {
  // `require`, not `import()`: an import of a CommonJS package first scans its source for its exports.
  return (createRequire(import.meta.url)('ts-morph') as typeof import('ts-morph')).ts;
}

/** A generated module's TypeScript text as JavaScript (see generatedModuleJs), loading TypeScript on first use. */
export function generatedModuleJavaScript(source: string): string {
  return generatedModuleJs(typescript(), source);
}

/** Imports JavaScript as a live ES module from a data: URL, without writing files. */
export async function importModuleJs<T = Record<string, unknown>>(js: string): Promise<T> {
  return (await import(`data:text/javascript;base64,${Buffer.from(js).toString('base64')}`)) as T;
}

/**
 * Loads a generated module's TypeScript text as a live ES module, without writing files: its
 * types are stripped (the module uses only erasable syntax, so this is all transpiling does)
 * and the JavaScript is imported from a data: URL. Used by the Gherkin steps and the tests,
 * which must exercise the artifact that ships, on any Node version.
 */
export async function loadGeneratedModule<T = Record<string, unknown>>(source: string): Promise<T> {
  return importModuleJs<T>(generatedModuleJavaScript(source));
}
