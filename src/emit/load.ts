import { spaceDeclarations } from './generated-file.js';
import { runtimeSource } from './runtime.js';

type TypeScript = typeof import('ts-morph').ts;

/** The runtime's sections (identical in every generated module) by their text, as JavaScript. */
const transpiledRuntime = new Map<string, string>();

let printedRuntime: { helpers: string; api: string } | undefined;

/** The runtime's two sections as GeneratedFile.print() lays them out in a module. */
function runtimeAsPrinted(): { helpers: string; api: string } {
  if (!printedRuntime) {
    const { helpers, api } = runtimeSource();
    const print = (text: string) => spaceDeclarations(text.trim().replace(/[ \t]+$/gm, ''));
    printedRuntime = { helpers: print(helpers), api: print(api) };
  }
  return printedRuntime;
}

/** Strips the types of a run of whole top-level statements (erasable syntax only). */
function stripTypes(ts: TypeScript, text: string): string {
  return ts.transpileModule(text, {
    // No "use strict" for a part without import or export: the module it joins is strict.
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      verbatimModuleSyntax: false,
      alwaysStrict: false,
    },
    reportDiagnostics: false,
  }).outputText;
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
 * A generated module's JavaScript. The runtime copied into every module (most of its text) is
 * transpiled once per process and reused; only the set's own declarations around it are
 * transpiled each time, so a run that loads many variants of a set (the Gherkin steps) pays for
 * the runtime once. Each part is a run of whole top-level statements and the module uses only
 * erasable syntax, so stripping the parts apart gives the same code as stripping the whole.
 */
export function generatedModuleJs(ts: TypeScript, source: string): string {
  const parts = splitGeneratedModule(source);
  if (!parts) return stripTypes(ts, source);
  return parts
    .map((text, i) => {
      if (i % 2 === 0) return stripTypes(ts, text);
      let js = transpiledRuntime.get(text);
      if (js === undefined) {
        js = stripTypes(ts, text);
        transpiledRuntime.set(text, js);
      }
      return js;
    })
    .join('\n');
}

/**
 * Loads a generated module's TypeScript text as a live ES module, without writing files: its
 * types are stripped (the module uses only erasable syntax, so this is all transpiling does)
 * and the JavaScript is imported from a data: URL. Used by the Gherkin steps and the tests,
 * which must exercise the artifact that ships, on any Node version. ts-morph (~1 s to load) is
 * imported here, on first use, so that `import 'policyc'` does not pay for it.
 */
export async function loadGeneratedModule<T = Record<string, unknown>>(source: string): Promise<T> {
  const { ts } = await import('ts-morph');
  const js = generatedModuleJs(ts, source);
  return (await import(`data:text/javascript;base64,${Buffer.from(js).toString('base64')}`)) as T;
}
