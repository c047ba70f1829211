/**
 * policyc as a library: the same pipeline the command line runs, for build tools, editors and
 * test harnesses. Each stage can be called alone; `compileSet` chains them.
 */
export { analyzeSet, type Analysis } from './analyze.js';
export { compileSet, type Compilation, type CompileOptions, type OutputFile, GENERATOR } from './compile.js';
export { discoverSets, readSetFolder, LOCKFILE_NAME } from './load/discover.js';
export type { RawFile, SetSource, SourceFile } from './load/source.js';
export type { Diagnostic, Severity } from './diagnostics/diagnostic.js';
export { CODES, type DiagnosticCode } from './diagnostics/codes.js';
export { renderHuman, renderGithub, toJson, colors } from './diagnostics/render.js';
export type * from './model/model.js';
export { ReferenceEvaluator } from './evaluate/reference.js';
export { allocate, renderLockfile, type Lockfile } from './allocate/lockfile.js';
export { readLockfile, type ReadLockfile } from './allocate/read-lockfile.js';
export { emitSet, type Emitted, type EmittedFile } from './emit/emit.js';
export { loadGeneratedModule } from './emit/load.js';
export { startWatch, type WatchEvent, type WatchHandle, type WatchOptions } from './watch.js';
export { main } from './cli/main.js';
export { runPipeline, type PipelineRun, type StageTiming } from './pipeline/run.js';
export { STAGE_NAMES, STAGES, type Stage, type StageName } from './pipeline/stages.js';
export type { JsonDiagnostic } from './diagnostics/render.js';
export type { CheckReport, CheckSetReport } from './cli/check-report.js';
export type { BuildReport, BuildSetReport } from './cli/commands/build.js';
