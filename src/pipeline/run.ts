import { performance } from 'node:perf_hooks';
import { type Diagnostic, Diagnostics, sortDiagnostics } from '../diagnostics/diagnostic.js';
import type { SetSource } from '../load/source.js';
import { type PipelineOptions, type PipelineState, STAGE_NAMES, STAGES, type StageName } from './stages.js';

/** How long one stage took on one set. */
export interface StageTiming {
  readonly stage: StageName;
  readonly metricName: string;
  readonly ms: number;
}

/** A finished run: the state the stages filled in, with every finding sorted, and per-stage timing. */
export interface PipelineRun extends Omit<PipelineState, 'diagnostics'> {
  /** Findings about the policies (and the lockfile), sorted by file and position. */
  readonly diagnostics: readonly Diagnostic[];
  /** The last stage that ran (it may have failed). */
  readonly reached: StageName;
  /** True when no stage reported an error (`outputDiagnostics` included). */
  readonly ok: boolean;
  /** One entry per stage that ran, in order. */
  readonly timings: readonly StageTiming[];
}

/**
 * Runs the stages of `STAGES` in order up to and including `through`, stopping after the first
 * stage that reports an error. After an error before `emit`, the model and the allocation are
 * dropped: a set with errors has no model, so no command works from a half-valid one.
 */
export function runPipeline(source: SetSource, through: StageName, options: PipelineOptions = {}): PipelineRun {
  const state: PipelineState = {
    source,
    options,
    diagnostics: new Diagnostics(),
    files: new Map(),
    results: [],
    lockfile: undefined,
    declarations: [],
    model: undefined,
    allocation: undefined,
    lockfileText: undefined,
    lockfileChanged: false,
    valid: false,
    outputs: [],
    lockfileOutput: undefined,
    hash: undefined,
    written: [],
    unchanged: [],
    stale: [],
    outputDiagnostics: [],
    writeError: undefined,
  };
  const last = STAGE_NAMES.indexOf(through);
  const timings: StageTiming[] = [];
  let reached: StageName = STAGES[0]!.name;
  for (const stage of STAGES.slice(0, last + 1)) {
    const started = performance.now();
    stage.run(state);
    timings.push({ stage: stage.name, metricName: stage.metricName, ms: performance.now() - started });
    reached = stage.name;
    if (state.diagnostics.hasErrors) break;
  }
  const failed = state.diagnostics.hasErrors;
  const { diagnostics, ...rest } = state;
  // A model and numbers are kept only when the policies are valid; `--locked` refusing to change
  // the lockfile fails the run but keeps the model (the set is fine, its lockfile is behind).
  const valid = !failed || (state.valid && reached === 'allocate');
  return {
    ...rest,
    model: valid ? state.model : undefined,
    allocation: valid ? state.allocation : undefined,
    diagnostics: sortDiagnostics(diagnostics.items),
    reached,
    ok: !failed && !state.outputDiagnostics.some((d) => d.severity === 'error'),
    timings,
  };
}
