import { ts } from 'ts-morph';

/**
 * Loads a generated module's TypeScript text as a live ES module, without writing files: its
 * types are stripped (the module uses only erasable syntax, so this is all transpiling does)
 * and the JavaScript is imported from a data: URL. Used by the Gherkin steps and the tests,
 * which must exercise the artifact that ships, on any Node version.
 */
export async function loadGeneratedModule<T = Record<string, unknown>>(source: string): Promise<T> {
  const js = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: false },
    reportDiagnostics: false,
  }).outputText;
  return (await import(`data:text/javascript;base64,${Buffer.from(js).toString('base64')}`)) as T;
}
