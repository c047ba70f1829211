/**
 * Loads a generated module's TypeScript text as a live ES module, without writing files: its
 * types are stripped (the module uses only erasable syntax, so this is all transpiling does)
 * and the JavaScript is imported from a data: URL. Used by the Gherkin steps and the tests,
 * which must exercise the artifact that ships, on any Node version. ts-morph (~1 s to load) is
 * imported here, on first use, so that `import 'policyc'` does not pay for it.
 */
export async function loadGeneratedModule<T = Record<string, unknown>>(source: string): Promise<T> {
  const { ts } = await import('ts-morph');
  const js = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: false },
    reportDiagnostics: false,
  }).outputText;
  return (await import(`data:text/javascript;base64,${Buffer.from(js).toString('base64')}`)) as T;
}
