import path from 'node:path';
import { BuildCache, defaultCacheDir } from '../../cache/build-cache.js';
import { type CheckedSet, checkedOf, checkedOfRecord, lookupCheck, storeCheck } from '../../cache/check-record.js';
import { Diagnostics } from '../../diagnostics/diagnostic.js';
import { toJson } from '../../diagnostics/render.js';
import { toSarif } from '../../diagnostics/sarif.js';
import { discoverSets } from '../../load/discover.js';
import { checkGeneratedConsistency } from '../../output/consistency.js';
import { REPORT_FORMATS, type RegisterCommand, type ReportFormat, outputOptions } from '../command.js';
import { EXIT, type Io, println, useColor } from '../io.js';
import {
  CHECK_FORMAT_VERSION,
  type CheckReport,
  checkReport,
  modelSummary,
  printDiagnostics,
  printTimings,
  setStatusLine,
} from '../check-report.js';

interface CheckOptions {
  readonly path: string;
  /** The generated output's folder (`generated`): checked for a mix of two builds, never for staleness. */
  readonly out?: string;
  readonly format: ReportFormat;
  readonly color: boolean | undefined;
  /** Print the time each pipeline stage took, per set, to stderr. */
  readonly timings?: boolean;
  /** Answer unchanged sets from the build cache's analyses (src/cache/check-record.ts); `--no-cache` turns it off. */
  readonly cache?: boolean;
  /** The cache's folder; by default `node_modules/.cache/policyc` or `$XDG_CACHE_HOME/policyc`. */
  readonly cacheDir?: string;
}

/** `policyc check [PATH]`: validate every set, print findings, exit 0 (clean), 1 (policy errors) or 2. */
export async function runCheck(io: Io, options: CheckOptions): Promise<number> {
  const found = new Diagnostics();
  const sources = await discoverSets(path.resolve(io.cwd, options.path), found);
  const c = useColor(io, 'stdout', options.format === 'human' ? options.color : false);
  if (sources.length === 0) {
    if (options.format === 'sarif') println(io.stdout, JSON.stringify(toSarif(found.items), null, 2));
    else if (options.format === 'json')
      println(
        io.stdout,
        JSON.stringify(
          {
            formatVersion: CHECK_FORMAT_VERSION,
            ok: false,
            sets: [],
            diagnostics: found.items.map(toJson),
          } satisfies CheckReport,
          null,
          2,
        ),
      );
    else printDiagnostics(io, io.stdout, options.format, found.items, new Map(), c);
    return EXIT.usage;
  }
  const outRoot = path.resolve(io.cwd, options.out ?? 'generated');
  const cache = options.cache ? new BuildCache(options.cacheDir ?? defaultCacheDir(io.cwd)) : undefined;
  const analyses: CheckedSet[] = [];
  for (const s of sources) {
    const hit = cache && lookupCheck(cache, s);
    let a: CheckedSet;
    if (hit) a = checkedOfRecord(s, hit);
    else {
      // The parser, the schema and the rules are loaded only when a set is analysed.
      const { analyzeSet } = await import('../../analyze.js');
      const now = checkedOf(analyzeSet(s), modelSummary);
      if (cache) storeCheck(cache, s, now.record);
      a = now.set;
    }
    // Stale output is build --check's concern; output that mixes two builds is corrupt, and check says so too.
    // It reads generated/, which the cache's key does not cover: it runs every time.
    const mixed = a.model ? checkGeneratedConsistency(path.join(outRoot, a.model.name), a.lockfile) : [];
    analyses.push(
      mixed.length > 0 ? { ...a, name: s.name, model: undefined, diagnostics: [...a.diagnostics, ...mixed] } : a,
    );
  }
  if (options.format === 'json') {
    println(io.stdout, JSON.stringify(checkReport(analyses), null, 2));
  } else if (options.format === 'sarif') {
    println(io.stdout, JSON.stringify(toSarif(analyses.flatMap((a) => a.diagnostics)), null, 2));
  } else {
    for (const a of analyses) printDiagnostics(io, io.stdout, options.format, a.diagnostics, a.files, c);
    if (options.format === 'human') for (const a of analyses) println(io.stdout, setStatusLine(a, c));
  }
  if (options.timings) {
    const analysed = analyses.filter((a) => a.timings.length > 0);
    const cached = analyses.filter((a) => a.timings.length === 0).map((a) => a.name);
    if (analysed.length > 0)
      printTimings(
        io.stderr,
        analysed.map((a) => ({ name: a.name, timings: a.timings })),
      );
    if (cached.length > 0)
      println(io.stderr, `${cached.join(', ')}: answered from the build cache (--no-cache times every stage)`);
  }
  return analyses.some((a) => a.diagnostics.some((d) => d.severity === 'error')) ? EXIT.policy : EXIT.ok;
}

export const registerCheck: RegisterCommand = (program, { io, run }) => {
  outputOptions(
    program
      .command('check')
      .description('validate policy sets: schema, references and semantic rules (no output is written)')
      .argument('[path]', 'a policy set folder, or a folder of sets', 'policies')
      .option(
        '-o, --out <dir>',
        'the generated output folder, checked for the mix an interrupted build leaves',
        'generated',
      )
      .option('--timings', 'print the time each pipeline stage took, per set, to stderr')
      .option('--no-cache', 'analyse every set again, without reading or writing the cache'),
    REPORT_FORMATS,
  ).action(
    run(
      async (
        path: string,
        opts: { out: string; format: ReportFormat; color?: boolean; timings?: boolean; cache?: boolean },
      ) =>
        runCheck(io, {
          path,
          out: opts.out,
          format: opts.format,
          color: opts.color,
          timings: opts.timings === true,
          cache: opts.cache !== false,
        }),
    ),
  );
};
