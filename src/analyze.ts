import type { Allocation } from './allocate/lockfile.js';
import type { ReadLockfile } from './allocate/read-lockfile.js';
import type { Diagnostic } from './diagnostics/diagnostic.js';
import type { SetSource, SourceFile } from './load/source.js';
import type { Model } from './model/model.js';
import { type PipelineRun, runPipeline, type StageTiming } from './pipeline/run.js';
import type { ParseCache } from './pipeline/stages.js';

/**
 * What the pipeline up to and including `allocate` knows about one set: its model and numbers
 * when it is free of errors, and every finding. `check`, the review commands and `build` all
 * run these same stages, so they report the same things.
 */
export interface Analysis {
  readonly source: SetSource;
  /** Decoded files (the lockfile too), for code frames. */
  readonly files: ReadonlyMap<string, SourceFile>;
  /** Undefined when the set has errors, the lockfile's included. */
  readonly model: Model | undefined;
  /** The lockfile as committed, read once; undefined when the set has none or it is not valid. */
  readonly lockfile: ReadLockfile | undefined;
  /** The model numbered against the lockfile (nothing is written); undefined after errors. */
  readonly allocation: Allocation | undefined;
  /** Sorted by file and position. */
  readonly diagnostics: readonly Diagnostic[];
  /** How long each stage took. */
  readonly timings: readonly StageTiming[];
}

/** Per-file parsing kept between analyses of the same set (`policyc watch`). */
export type AnalysisCache = ParseCache;

/** Runs the stages `parse` through `allocate` on a set (see src/pipeline/stages.ts); writes nothing. */
export function analyzeSet(source: SetSource, cache?: AnalysisCache): Analysis {
  return analysisOf(runPipeline(source, 'allocate', cache ? { cache } : {}));
}

/** What a run of the pipeline (through `allocate` or further) knows about the set's policies. */
export function analysisOf(run: PipelineRun): Analysis {
  return {
    source: run.source,
    files: run.files,
    model: run.model,
    lockfile: run.lockfile,
    allocation: run.allocation,
    diagnostics: run.diagnostics,
    timings: run.timings,
  };
}
