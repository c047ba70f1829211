import path from 'node:path';
import { analyzeSet, type Analysis } from '../analyze.js';
import { diagnostic, Diagnostics } from '../diagnostics/diagnostic.js';
import { type Colors, renderHuman } from '../diagnostics/render.js';
import { discoverSets } from '../load/discover.js';
import { EXIT, type Io, println, useColor } from './io.js';
import { type NamedSet, selectSet } from '../review/typed-names.js';
import { UsageError } from '../review/sides.js';

/** What `explain`, `who-can` and `access` share: the sets of a policies folder, and how they report problems. */
export interface ReviewOptions {
  readonly path: string;
  readonly set: string | undefined;
  readonly format: 'text' | 'json';
  readonly color: boolean | undefined;
}

/**
 * Loads the policy sets (every set of `--path`, or the one `--set` names), then runs `body`
 * with the clean ones. A set with errors stops the command (exit 1, its diagnostics on
 * stderr); a name that does not resolve is a usage error (exit 2, with a did-you-mean hint).
 */
export async function withSets(io: Io, options: ReviewOptions, body: (sets: NamedSet[]) => number): Promise<number> {
  const c = useColor(io, 'stderr', options.color);
  try {
    const found = new Diagnostics();
    const sources = await discoverSets(path.resolve(io.cwd, options.path), found);
    if (sources.length === 0) {
      for (const d of found.items) println(io.stderr, renderHuman(d, new Map(), c));
      return EXIT.usage;
    }
    const all = sources.map((s) => s.name);
    const wanted = options.set === undefined ? sources : sources.filter((s) => s.name === options.set);
    if (wanted.length === 0) selectSet([], options.set, all);
    const analyses: Analysis[] = wanted.map((s) => analyzeSet(s));
    const broken = analyses.filter((a) => !a.model);
    if (broken.length > 0) {
      for (const a of broken) {
        println(io.stderr, c.bold(`${a.source.name} (${a.source.dir}) has errors; fix them first (policyc check):`));
        for (const d of a.diagnostics.filter((x) => x.severity === 'error')) {
          println(io.stderr, renderHuman(d, a.files, c));
          println(io.stderr);
        }
      }
      return EXIT.policy;
    }
    return body(analyses.map((a) => ({ name: a.model!.name, model: a.model!, numbering: a.allocation?.lockfile })));
  } catch (error) {
    return usageErrorExit(io, error, c);
  }
}

/** A usage error (unknown role, bad revision, path outside the repository) printed as a diagnostic on stderr: exit 2. Anything else is rethrown. */
export function usageErrorExit(io: Io, error: unknown, c: Colors): number {
  if (!(error instanceof UsageError)) throw error;
  println(io.stderr, renderHuman(diagnostic(error.code, error.message, undefined, { hint: error.hint }), new Map(), c));
  return EXIT.usage;
}
