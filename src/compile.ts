import { readFileSync } from 'node:fs';
import type { Allocation } from './allocate/lockfile.js';
import { type Analysis, type AnalysisCache, analysisOf } from './analyze.js';
import type { Diagnostic } from './diagnostics/diagnostic.js';
import { emitSet } from './emit/emit.js';
import type { SetSource } from './load/source.js';
import type { Model } from './model/model.js';
import { runPipeline, type StageTiming } from './pipeline/run.js';
import type { OutputFile, WriteMode } from './pipeline/stages.js';
import type { WriteError } from './output/write.js';
import type { ParsedFileStore } from './load/parsed-files.js';

export { type OutputFile, outputsInWriteOrder } from './pipeline/stages.js';

/** "policyc 0.1.0": names the generator in generated files. */
export const GENERATOR = `policyc ${(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version}`;

export interface CompileOptions {
  /** The folder generated sets go to (`generated`); each set gets `<outRoot>/<set>/`. */
  readonly outRoot: string;
  /** Fail instead of changing the lockfile (CI). */
  readonly locked?: boolean;
  /** Reuse the parsing of unchanged files from an earlier compilation of the same set (watch). */
  readonly cache?: AnalysisCache;
  /** Run the `write` stage too: write the files (build, watch) or compare them with the disk (`build --check`). */
  readonly write?: WriteMode;
  /** The parse cache to use (PipelineOptions.parsedFiles); `false` for none, e.g. for variants that live one scenario. */
  readonly parsedFiles?: ParsedFileStore | false;
}

/** Everything one set compiles to. `files` is empty when there were errors: there is never partial output. */
export interface Compilation {
  readonly analysis: Analysis;
  readonly model: Model | undefined;
  /** Generated files (the lockfile is `lockfile`). */
  readonly files: readonly OutputFile[];
  readonly lockfile: OutputFile | undefined;
  /** True when the lockfile's text changes (numbers were given, reserved or moved). */
  readonly lockfileChanged: boolean;
  readonly allocation: Allocation | undefined;
  readonly hash: string | undefined;
  /** Findings about the policies and the lockfile, sorted. */
  readonly diagnostics: readonly Diagnostic[];
  /** True when the policies compiled (the `write` stage's findings are `output`). */
  readonly ok: boolean;
  /** What the `write` stage did; empty when it did not run. */
  readonly output: {
    readonly written: readonly string[];
    readonly unchanged: readonly string[];
    readonly stale: readonly string[];
    /** Stale, mixed or unwritable output: about generated/, not the policies. */
    readonly diagnostics: readonly Diagnostic[];
    readonly writeError: WriteError | undefined;
  };
  /** How long each stage took. */
  readonly timings: readonly StageTiming[];
}

/**
 * The whole pipeline for one set (src/pipeline/stages.ts): through `emit`, or through `write`
 * when `options.write` says what to do with the files. Without it, writes nothing.
 */
export function compileSet(source: SetSource, options: CompileOptions): Compilation {
  const run = runPipeline(source, options.write ? 'write' : 'emit', {
    outRoot: options.outRoot,
    emit: { emitter: emitSet, generator: GENERATOR },
    ...(options.locked ? { locked: true } : {}),
    ...(options.cache ? { cache: options.cache } : {}),
    ...(options.write ? { write: options.write } : {}),
    ...(options.parsedFiles !== undefined ? { parsedFiles: options.parsedFiles } : {}),
  });
  const ok = !run.diagnostics.some((d) => d.severity === 'error');
  const analysis = analysisOf(run);
  return {
    analysis,
    model: run.model,
    files: ok ? run.outputs : [],
    lockfile: ok ? run.lockfileOutput : undefined,
    lockfileChanged: ok && run.lockfileChanged,
    allocation: ok ? run.allocation : undefined,
    hash: ok ? run.hash : undefined,
    diagnostics: run.diagnostics,
    ok,
    output: {
      written: run.written,
      unchanged: run.unchanged,
      stale: run.stale,
      diagnostics: run.outputDiagnostics,
      writeError: run.writeError,
    },
    timings: run.timings,
  };
}
