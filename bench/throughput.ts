/**
 * Check throughput: policyc's generated module against the libraries users would pick instead
 * and an inlined bitset (the floor), on the check policy of issue 6 (bench/check-policy.ts).
 *
 *   node --expose-gc --import tsx bench/throughput.ts [--quick] [--json <file>]
 *
 * Design (a hand-rolled harness, because ratios have to be measured side by side on a shared,
 * noisy machine):
 * - 1,000,000 pre-generated queries per workload (about half allowed), as integer columns;
 *   whatever a library needs per query (strings, records, entity JSON) is built once in setup.
 * - Before any timing, each contender's answers are compared with policyc's reference evaluator
 *   on a sample (which also warms the library up); a contender that disagrees is reported with
 *   an example and not timed. The queries' expected answers are checked the same way.
 * - Setup time and retained heap (heapUsed + external after a full GC) per contender.
 * - Warm-up, then many short rounds: in each round every contender runs one sample (the fastest
 *   of bestOf back-to-back runs of ~targetMs of consecutive queries, wrapping around the query
 *   set), in a rotating order; contenders too slow for that (a few checks take longer) run one
 *   run in only some rounds. ns/check per sample; ratios
 *   (to the floor, to policyc) are taken between samples of the same round, so a burst of load
 *   from other jobs spoils a few rounds, not a contender; medians over rounds.
 * - Every timed sample's count of allowed answers is compared with the expected count for
 *   exactly that range: nothing is optimised away and every timed answer is right.
 * - Allocation: heap before/after 10M checks on the check path, and the GCs seen meanwhile.
 *
 * BENCH_ONLY=casl,cedar limits a run to some contenders (and the floor).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ts } from 'ts-morph';
import { compileSet } from '../src/compile.js';
import { ReferenceEvaluator } from '../src/evaluate/reference.js';
import type { Model } from '../src/model/model.js';
import { memorySet } from '../test/support/sets.js';
import { CONTENDERS, type Contender, floor, type Runner, type WorkloadContext } from './adapters.js';
import {
  type CheckPolicy,
  checkPolicy,
  checkPolicyYaml,
  generateQueries,
  LEVELS,
  type Queries,
  Truth,
  type Workload,
} from './check-policy.js';
import { argValue, fmt, fmtBytes, fmtMs, fmtNs, gc, median, table } from './util.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const OUT = path.join(HERE, '.out');

export const WORKLOADS: readonly { id: Workload; title: string }[] = [
  { id: 'plain', title: 'plain RBAC (role, permission)' },
  { id: 'scoped', title: 'scoped (role, permission, own/group/all)' },
  { id: 'multi', title: 'multi-role subjects (2-4 roles, permission)' },
  { id: 'collection', title: 'collection (role, connector entry; 1 in 5 unknown)' },
];

export interface Settings {
  readonly queries: number;
  readonly rounds: number;
  readonly targetMs: number;
  readonly warmMs: number;
  readonly sample: number;
  readonly sampleMs: number;
  readonly allocChecks: number;
  /** The fewest checks in a timed sample (the slowest libraries take milliseconds per check). */
  readonly minChunk: number;
  /** The fewest checks of an agreement sample, however long they take (they also warm the library up). */
  readonly minSample: number;
  /** Samples of a slow contender (one that cannot do minChunk checks in targetMs). */
  readonly slowSamples: number;
  /** A sample of a fast contender is the fastest of this many back-to-back runs. */
  readonly bestOf: number;
}

export const FULL: Settings = {
  queries: 1_000_000,
  rounds: 101,
  targetMs: 1,
  warmMs: 300,
  sample: 20_000,
  sampleMs: 4000,
  allocChecks: 10_000_000,
  minChunk: 20,
  minSample: 300,
  slowSamples: 9,
  bestOf: 3,
};
export const QUICK: Settings = {
  queries: 100_000,
  rounds: 15,
  targetMs: 0.5,
  warmMs: 30,
  sample: 600,
  sampleMs: 80,
  allocChecks: 1_000_000,
  minChunk: 3,
  minSample: 10,
  slowSamples: 2,
  bestOf: 3,
};

export interface Agreement {
  readonly checked: number;
  readonly disagreements: number;
  readonly example?: string;
  readonly error?: string;
}

export interface ContenderResult {
  readonly name: string;
  readonly workload: Workload;
  readonly status: 'timed' | 'disagrees' | 'cannot' | 'error';
  readonly reason?: string;
  readonly setupMs?: number;
  readonly heapBytes?: number;
  readonly agreement?: Agreement;
  readonly nsPerCheck?: number;
  readonly nsSamples?: readonly number[];
  /** The round of each sample (slow contenders skip rounds). */
  readonly sampleRounds?: readonly number[];
  readonly ratioToFloor?: number;
  readonly checksTimed?: number;
}

export interface AllocationResult {
  readonly name: string;
  readonly workload: Workload;
  readonly checks: number;
  readonly heapBeforeBytes: number;
  readonly heapAfterBytes: number;
  readonly gcs: number;
}

export interface ThroughputResults {
  readonly settings: Settings;
  readonly quick: boolean;
  readonly policy: {
    roles: number;
    resources: number;
    actions: number;
    permissions: number;
    density: number;
    entries: number;
    subjects: number;
  };
  readonly compile: { plainMs: number; scopedMs: number };
  readonly contenders: readonly { name: string; how: string }[];
  readonly results: readonly ContenderResult[];
  readonly allocation: readonly AllocationResult[];
}

/** Compiles a variant of the check policy in memory and writes its module as JavaScript into `dir`; returns the file and the model. */
function buildVariant(
  files: Record<string, string>,
  name: string,
  dir: string,
): { file: string; model: Model; ms: number } {
  const started = performance.now();
  const c = compileSet(memorySet(name, files), { outRoot: dir });
  const ms = performance.now() - started;
  if (!c.ok || !c.model)
    throw new Error(`the check policy ${name} does not compile: ${c.diagnostics.map((d) => d.message).join('; ')}`);
  const index = c.files.find((f) => f.name === 'index.ts')!;
  const js = ts.transpileModule(index.text, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  }).outputText;
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${name}.ts`), index.text);
  const file = path.join(dir, `${name}.mjs`);
  writeFileSync(file, js);
  return { file, model: c.model, ms };
}

/** The check policy compiled by policyc (both variants, modules written to `dir`), with the reference evaluators. */
export interface PreparedPolicy {
  readonly spec: CheckPolicy;
  readonly truth: Truth;
  readonly modules: { readonly plain: string; readonly scoped: string };
  readonly refs: { readonly plain: ReferenceEvaluator; readonly scoped: ReferenceEvaluator };
  readonly entries: readonly string[];
  readonly compileMs: { readonly plain: number; readonly scoped: number };
}

export function prepareCheckPolicy(dir: string, spec: CheckPolicy = checkPolicy()): PreparedPolicy {
  const plain = buildVariant(checkPolicyYaml(spec, false), 'bench-plain', dir);
  const scoped = buildVariant(checkPolicyYaml(spec, true), 'bench-scoped', dir);
  return {
    spec,
    truth: new Truth(spec),
    modules: { plain: plain.file, scoped: scoped.file },
    refs: { plain: new ReferenceEvaluator(plain.model), scoped: new ReferenceEvaluator(scoped.model) },
    entries: [...spec.entries, ...spec.unknownEntries],
    compileMs: { plain: plain.ms, scoped: scoped.ms },
  };
}

/** A workload's context: its queries over the prepared policy. */
export function workloadContext(p: PreparedPolicy, workload: Workload, queries: number): WorkloadContext {
  const q = generateQueries(p.truth, workload, queries, 1 + WORKLOADS.findIndex((w) => w.id === workload));
  return { spec: p.spec, truth: p.truth, workload, q, entries: p.entries, modules: p.modules };
}

function memory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/** The reference evaluator's answer to query i of a workload. */
export function referenceAnswer(
  refs: { readonly plain: ReferenceEvaluator; readonly scoped: ReferenceEvaluator },
  ctx: WorkloadContext,
  i: number,
): boolean {
  const { spec, q, workload } = ctx;
  const r = q.role[i]!;
  const p = q.item[i]!;
  switch (workload) {
    case 'plain':
      return refs.plain.allowed([spec.roles[r]!.name], spec.permissions[p]!.id);
    case 'scoped':
      return refs.scoped.allowed([spec.roles[r]!.name], spec.permissions[p]!.id, LEVELS[q.level[i]!]);
    case 'multi':
      return refs.plain.allowed(
        spec.subjects[r]!.map((x) => spec.roles[x]!.name),
        spec.permissions[p]!.id,
      );
    case 'collection':
      return refs.plain.collectionAllowed([spec.roles[r]!.name], 'connectors', ctx.entries[p]!);
  }
}

export function describeQuery(ctx: WorkloadContext, i: number): string {
  const { spec, q, workload } = ctx;
  const r = q.role[i]!;
  const p = q.item[i]!;
  switch (workload) {
    case 'plain':
      return `${spec.roles[r]!.name} ${spec.permissions[p]!.id}`;
    case 'scoped':
      return `${spec.roles[r]!.name} ${spec.permissions[p]!.id} at ${LEVELS[q.level[i]!]}`;
    case 'multi':
      return `[${spec.subjects[r]!.map((x) => spec.roles[x]!.name).join(', ')}] ${spec.permissions[p]!.id}`;
    case 'collection':
      return `${spec.roles[r]!.name} connectors ${ctx.entries[p]}`;
  }
}

/** Runs `count` consecutive checks from `start` (wrapping); returns [allowed, expected, next start]. */
export function runRange(runner: Runner, q: Queries, start: number, count: number): [number, number, number] {
  let got = 0;
  let want = 0;
  let at = start;
  let left = count;
  while (left > 0) {
    const to = Math.min(q.n, at + left);
    got += runner.run(at, to);
    want += q.prefix[to]! - q.prefix[at]!;
    left -= to - at;
    at = to === q.n ? 0 : to;
  }
  return [got, want, at];
}

export async function runThroughput(
  settings: Settings,
  quick: boolean,
  log: (s: string) => void = (s) => process.stderr.write(`${s}\n`),
): Promise<ThroughputResults> {
  if (!gc()) log('note: run with --expose-gc for heap figures and GCs between samples');
  const t0 = performance.now();
  const prepared = prepareCheckPolicy(path.join(OUT, 'check'));
  const { spec, refs } = prepared;
  log(
    `compiled the check policy: plain ${fmtMs(prepared.compileMs.plain)}, scoped ${fmtMs(prepared.compileMs.scoped)}`,
  );
  const results: ContenderResult[] = [];
  const allocation: AllocationResult[] = [];

  for (const { id: workload } of WORKLOADS) {
    const ctx = workloadContext(prepared, workload, settings.queries);
    const q = ctx.q;
    // The previous workload's contenders are garbage now: collect them before measuring heaps.
    gc();
    gc();
    const allowedShare = q.prefix[q.n]! / q.n;
    log(
      `\n## ${workload}: ${q.n.toLocaleString('en-US')} queries, ${fmt(allowedShare * 100)} % allowed (${fmtMs(performance.now() - t0)} so far)`,
    );

    // The oracle's answers on the sample, once; the expected answers themselves are checked against them.
    const oracle: boolean[] = [];
    for (let i = 0; i < Math.min(q.n, settings.sample); i++) {
      oracle.push(referenceAnswer(refs, ctx, i));
      if ((q.expected[i] === 1) !== oracle[i])
        throw new Error(
          `benchmark bug: expected answer of query ${i} (${describeQuery(ctx, i)}) differs from the reference evaluator`,
        );
    }

    // Setup and agreement, one contender at a time.
    const live: {
      c: Contender;
      runner: Runner;
      result: ContenderResult;
      samples: number[];
      rounds: number[];
      ratios: number[];
      cursor: number;
      chunk: number;
      timed: number;
      slow: boolean;
    }[] = [];
    for (const c of CONTENDERS) {
      // BENCH_ONLY=name,name limits the run to some contenders (the floor always runs): for investigating one library.
      const only = process.env.BENCH_ONLY?.split(',');
      if (only && c !== floor && !only.some((o) => c.name.includes(o))) continue;
      const cannot = c.cannot?.[workload];
      if (cannot) {
        results.push({ name: c.name, workload, status: 'cannot', reason: cannot });
        continue;
      }
      let runner: Runner;
      gc();
      const before = memory();
      const started = performance.now();
      try {
        runner = await c.setup(ctx);
      } catch (error) {
        results.push({
          name: c.name,
          workload,
          status: 'error',
          reason: `setup failed: ${error instanceof Error ? error.message : String(error)}`,
        });
        log(`  ${c.name}: setup failed: ${String(error)}`);
        continue;
      }
      const setupMs = performance.now() - started;
      const heapBytes = gc() ? memory() - before : undefined;
      // Agreement with the reference evaluator on a sample (time-boxed for the slow libraries).
      let checked = 0;
      let disagreements = 0;
      let example: string | undefined;
      let error: string | undefined;
      const agreeStart = performance.now();
      try {
        for (let i = 0; i < Math.min(q.n, settings.sample); i++) {
          const want = oracle[i]!;
          const got = runner.check(i);
          checked++;
          if (got !== want) {
            disagreements++;
            example ??= `${describeQuery(ctx, i)}: library says ${got ? 'allow' : 'deny'}, reference says ${want ? 'allow' : 'deny'}`;
          }
          if (checked >= settings.minSample && performance.now() - agreeStart > settings.sampleMs) break;
        }
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
      const agreement: Agreement = {
        checked,
        disagreements,
        ...(example ? { example } : {}),
        ...(error ? { error } : {}),
      };
      const base = { name: c.name, workload, setupMs, ...(heapBytes !== undefined ? { heapBytes } : {}), agreement };
      if (error || disagreements > 0) {
        results.push({
          ...base,
          status: error ? 'error' : 'disagrees',
          reason:
            error ?? `${disagreements} of ${checked} answers differ from the reference evaluator, e.g. ${example}`,
        });
        log(`  ${c.name}: ${error ? `error: ${error}` : `DISAGREES (${disagreements}/${checked}): ${example}`}`);
        continue;
      }
      const result: ContenderResult = { ...base, status: 'timed' };
      results.push(result);
      live.push({
        c,
        runner,
        result,
        samples: [],
        rounds: [],
        ratios: [],
        cursor: 0,
        chunk: 1000,
        timed: 0,
        slow: false,
      });
      log(
        `  ${c.name}: setup ${fmtMs(setupMs)}, heap ${fmtBytes(heapBytes)}, agrees on ${checked.toLocaleString('en-US')} checks`,
      );
    }

    // Warm-up and calibration: consecutive chunks for warmMs (the agreement check has already
    // exercised each library's internals); the sample size aims at targetMs.
    for (const l of live) {
      let chunk = 1;
      const started = performance.now();
      // The cost per check for calibration: the best of the later warm-up chunks (the first ones run unoptimised).
      const costs: number[] = [];
      while (performance.now() - started < settings.warmMs) {
        const t0 = performance.now();
        const [got, want, next] = runRange(l.runner, q, l.cursor, chunk);
        const t1 = performance.now();
        if (got !== want) throw new Error(`${l.c.name} (${workload}): ${got} allowed, expected ${want}`);
        l.cursor = next;
        costs.push(((t1 - t0) * 1e6) / chunk);
        if (t1 - t0 < 2) chunk = Math.min(chunk * 4, 10_000_000);
      }
      const cost = Math.min(...costs.slice(Math.floor(costs.length / 2)));
      const fit = Math.round((settings.targetMs * 1e6) / Math.max(cost, 0.1));
      l.slow = fit < settings.minChunk;
      l.chunk = Math.max(settings.minChunk, Math.min(100_000_000, fit));
    }

    // Rounds: short samples, every fast contender in every round (rotating order), the slow ones
    // (a sample of minChunk checks takes longer than targetMs) in every stride-th round. Ratios
    // are taken between samples of the same round, so a burst of load from other jobs on the
    // machine spoils a few rounds rather than a contender; medians over rounds.
    const floorLive = live.find((l) => l.c === floor);
    const stride = Math.max(1, Math.floor(settings.rounds / settings.slowSamples));
    for (let round = 0; round < settings.rounds; round++) {
      const ns = new Map<(typeof live)[number], number>();
      if (round % 25 === 0) gc();
      for (let k = 0; k < live.length; k++) {
        const l = live[(k + round) % live.length]!;
        if (l.slow && round % stride !== 0) continue;
        // A sample is the fastest of bestOf back-to-back runs: other jobs' interference only ever adds time.
        let v = Number.POSITIVE_INFINITY;
        for (let rep = 0; rep < (l.slow ? 1 : settings.bestOf); rep++) {
          const t0 = process.hrtime.bigint();
          const [got, want, next] = runRange(l.runner, q, l.cursor, l.chunk);
          const t1 = process.hrtime.bigint();
          if (got !== want)
            throw new Error(`${l.c.name} (${workload}): ${got} allowed in a timed sample, expected ${want}`);
          l.cursor = next;
          l.timed += l.chunk;
          v = Math.min(v, Number(t1 - t0) / l.chunk);
        }
        l.samples.push(v);
        l.rounds.push(round);
        ns.set(l, v);
      }
      const f = floorLive ? ns.get(floorLive) : undefined;
      if (f) for (const [l, v] of ns) l.ratios.push(v / f);
    }
    for (const l of live) {
      const i = results.indexOf(l.result);
      results[i] = {
        ...l.result,
        nsPerCheck: median(l.samples),
        nsSamples: l.samples,
        sampleRounds: l.rounds,
        ...(l.ratios.length > 0 ? { ratioToFloor: median(l.ratios) } : {}),
        checksTimed: l.timed,
      };
      log(
        `  ${l.c.name.padEnd(28)} ${fmt(median(l.samples)).padStart(8)} ns/check  ×${fmt(median(l.ratios))} floor  (${l.samples.length} samples, ${l.timed.toLocaleString('en-US')} checks timed)`,
      );
    }

    // No allocation on the check path: heap before/after N checks, and the GCs meanwhile.
    for (const l of live.filter((x) => x.c.name.startsWith('policyc') || x.c === floor)) {
      const checks = settings.allocChecks;
      runRange(l.runner, q, 0, checks); // warm, optimised
      const gcs: number[] = [];
      const obs = new PerformanceObserver((list) => gcs.push(...list.getEntries().map((e) => e.startTime)));
      obs.observe({ entryTypes: ['gc'] });
      gc();
      await new Promise((r) => setImmediate(r));
      const t0 = performance.now();
      const heapBeforeBytes = process.memoryUsage().heapUsed;
      const [got, want] = runRange(l.runner, q, 0, checks);
      const heapAfterBytes = process.memoryUsage().heapUsed;
      const t1 = performance.now();
      await new Promise((r) => setTimeout(r, 20));
      obs.disconnect();
      if (got !== want) throw new Error(`${l.c.name}: wrong answers in the allocation run`);
      allocation.push({
        name: l.c.name,
        workload,
        checks,
        heapBeforeBytes,
        heapAfterBytes,
        gcs: gcs.filter((t) => t >= t0 && t <= t1).length,
      });
    }
  }

  return {
    settings,
    quick,
    policy: {
      roles: spec.roles.length,
      resources: spec.resources.length,
      actions: spec.actions.length,
      permissions: spec.permissions.length,
      density: spec.roles.reduce((a, r) => a + r.grants.length, 0) / (spec.roles.length * spec.permissions.length),
      entries: spec.entries.length,
      subjects: spec.subjects.length,
    },
    compile: { plainMs: prepared.compileMs.plain, scopedMs: prepared.compileMs.scoped },
    contenders: CONTENDERS.map((c) => ({ name: c.name, how: c.how })),
    results,
    allocation,
  };
}

/** Median over rounds of a/b, both timed in the same round (samples are aligned by round). */
export function pairedRatio(a: ContenderResult | undefined, b: ContenderResult | undefined): number | undefined {
  if (!a?.nsSamples || !b?.nsSamples || !a.sampleRounds || !b.sampleRounds) return undefined;
  const bByRound = new Map(b.sampleRounds.map((r, k) => [r, b.nsSamples![k]!]));
  const ratios = a.sampleRounds.flatMap((r, k) => (bByRound.has(r) ? [a.nsSamples![k]! / bByRound.get(r)!] : []));
  return ratios.length > 0 ? median(ratios) : undefined;
}

export function findResult(t: ThroughputResults, workload: Workload, name: string): ContenderResult | undefined {
  return t.results.find((r) => r.workload === workload && r.name === name && r.status === 'timed');
}

export const POLICYC = 'policyc `can()`';
export const CASL = '@casl/ability';

function heapCell(bytes: number | undefined): string {
  return bytes !== undefined && bytes < 16 * 1024 ? '≈0' : fmtBytes(bytes);
}

/** The results as markdown: one table per workload, then allocation. */
export function throughputMarkdown(t: ThroughputResults): string {
  const out: string[] = [];
  const p = t.policy;
  out.push(
    `Policy: ${p.roles} roles; ${p.resources} resources × ${p.actions} actions = ${p.permissions} permissions; ${fmt(p.density * 100)} % granted per role (seeded); scoped variant own/group/all; ${p.entries} connector entries (20 apps with triggers and actions); ${p.subjects} multi-role subjects. ` +
      `${t.settings.queries.toLocaleString('en-US')} pre-generated queries per workload (about half allowed), walked through in order. ${t.settings.rounds} interleaved rounds; in each, a contender's sample is the fastest of ${t.settings.bestOf} back-to-back runs of ~${t.settings.targetMs} ms of consecutive queries (interference from other jobs only ever adds time); contenders too slow for that (${t.settings.minChunk} checks take longer) run one sample of ${t.settings.minChunk} checks in ${t.settings.slowSamples} of the rounds. ns/check is the median over a contender's samples; "× floor" and "× policyc" are medians of ratios between samples of the same round. ` +
      `policyc compiled the check policy in ${fmtMs(t.compile.plainMs)} (plain) and ${fmtMs(t.compile.scopedMs)} (scoped), in process.`,
  );
  for (const w of WORKLOADS) {
    const rows = t.results.filter((r) => r.workload === w.id);
    const pc = findResult(t, w.id, POLICYC);
    out.push(`\n#### ${w.title}\n`);
    out.push(
      table(
        [
          'contender',
          'time per check (median)',
          '× floor',
          '× policyc',
          'setup',
          'retained heap',
          'agreement with the reference evaluator',
          'checks timed',
        ],
        rows.map((r) => {
          const vsPolicyc = r.status === 'timed' && r.name !== POLICYC ? pairedRatio(r, pc) : undefined;
          return [
            r.name,
            r.status === 'timed' ? fmtNs(r.nsPerCheck) : r.status === 'cannot' ? 'n/a' : `**not timed** (${r.status})`,
            r.status === 'timed' ? fmt(r.ratioToFloor) : '',
            vsPolicyc !== undefined ? fmt(vsPolicyc) : '',
            fmtMs(r.setupMs),
            r.status === 'cannot' ? '' : heapCell(r.heapBytes),
            r.status === 'cannot'
              ? (r.reason ?? '')
              : r.agreement
                ? r.agreement.disagreements > 0 || r.agreement.error
                  ? `**${r.reason}**`
                  : `agrees on ${r.agreement.checked.toLocaleString('en-US')}`
                : (r.reason ?? ''),
            r.checksTimed ? r.checksTimed.toLocaleString('en-US') : '',
          ];
        }),
        ['l', 'r', 'r', 'r', 'r', 'r', 'l', 'r'],
      ),
    );
  }
  out.push('\n#### Allocation on the check path\n');
  out.push(
    'Heap used right before and right after the checks (no GC in between; a warm-up run of the same checks first), and the garbage collections that happened during them.\n',
  );
  out.push(
    table(
      ['check', 'workload', 'checks', 'heapUsed before', 'heapUsed after', 'Δ per check', 'GCs during'],
      t.allocation.map((a) => [
        a.name,
        a.workload,
        a.checks.toLocaleString('en-US'),
        fmtBytes(a.heapBeforeBytes),
        fmtBytes(a.heapAfterBytes),
        `${fmt((a.heapAfterBytes - a.heapBeforeBytes) / a.checks)} B`,
        String(a.gcs),
      ]),
      ['l', 'l', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
  out.push('\n#### How each contender expresses the policy\n');
  for (const c of t.contenders) out.push(`- **${c.name}**: ${c.how}`);
  return out.join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const results = await runThroughput(quick ? QUICK : FULL, quick);
  const json = argValue(args, '--json') ?? path.join(OUT, 'throughput.json');
  mkdirSync(path.dirname(json), { recursive: true });
  writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${throughputMarkdown(results)}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
