/**
 * `npm run bench [-- --quick] [-- --only scale,types]`: every section of SECTIONS (check
 * throughput, compiler scaling, watch latency, the report page, generated types at scale, `check`
 * with many warnings), each in its own child process (one after the other: the machine is shared
 * and has few cores), then bench/RESULTS.md (machine, Node version, date, command, every table)
 * and the summary table between the bench markers of README.md; last, bench/startup.ts (start-up
 * ratios, Gherkin steps and, unless --quick, the differential test's wall time) adds its section. With `--only`, the other sections are taken from their
 * last run's JSON in bench/.out/ (RESULTS.md says so). A new measurement is one more entry of
 * SECTIONS and, when it has a target, one more row in `targets`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ScaleResults, bestWall, scaleMarkdown } from './scale.js';
import {
  CASL,
  findResult,
  pairedRatio,
  POLICYC,
  type ThroughputResults,
  throughputMarkdown,
  WORKLOADS,
} from './throughput.js';
import { fmt, fmtBytes, fmtNs, machine, median, table } from './util.js';
import { type WatchResults, watchMarkdown } from './watch-latency.js';
import { RESULTS_HEADING as REPORT_HEADING, type ReportResults, reportMarkdown } from './report.js';
import { type TypesResults, typesMarkdown } from './types.js';
import { type WarningsResults, warningsMarkdown } from './warnings.js';
import { RESULTS_HEADING as STARTUP_HEADING } from './startup.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const OUT = path.join(HERE, '.out');

function child(script: string, flags: readonly string[], args: readonly string[]): boolean {
  const r = spawnSync(process.execPath, [...flags, '--import', 'tsx', path.join(HERE, script), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (r.status !== 0) process.stderr.write(`bench: ${script} failed (exit ${r.status ?? r.signal})\n`);
  return r.status === 0;
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

type Verdict = 'met' | '**missed**' | 'n/a' | `met for the ${string} shape; **missed** for the ${string} one`;

interface Target {
  readonly target: string;
  readonly measured: string;
  readonly verdict: Verdict;
}

function verdict(ok: boolean | undefined): Verdict {
  return ok === undefined ? 'n/a' : ok ? 'met' : '**missed**';
}

/** The flat set's best cold build with a larger young generation, next to the defaults' best. */
function tuned(s: ScaleResults): string {
  const t = s.tuning;
  if (!t) return '';
  return ` (best of ${t.rounds}: ${fmt(bestWall(t.plain))} s; with \`NODE_OPTIONS=${t.flag}\` ${fmt(bestWall(t.tuned))} s)`;
}

/** The issue's targets against this run. */
function targets(r: Results): Target[] {
  const { throughput: t, scale: s, watch: w, types: ty, warnings: wn } = r;
  const out: Target[] = [];
  const ratio = (wl: 'plain' | 'scoped' | 'multi') => (t ? findResult(t, wl, POLICYC)?.ratioToFloor : undefined);
  const rp = ratio('plain');
  const rs = ratio('scoped');
  const rm = ratio('multi');
  out.push({
    target: '`can()` within 1.2× of the inlined bitset floor, with its range checks (issue 10)',
    measured: `plain ${fmt(rp)}×, scoped ${fmt(rs)}× (multi-role \`subject().can()\` ${fmt(rm)}×)`,
    verdict: verdict(rp === undefined || rs === undefined ? undefined : rp <= 1.2 && rs <= 1.2),
  });
  const vs = (wl: 'plain' | 'scoped') =>
    t ? pairedRatio(findResult(t, wl, CASL), findResult(t, wl, POLICYC)) : undefined;
  const cp = vs('plain');
  const cs = vs('scoped');
  out.push({
    target: '≥ 25× faster than CASL on plain RBAC (same run)',
    measured: `${fmt(cp)}×`,
    verdict: verdict(cp === undefined ? undefined : cp >= 25),
  });
  out.push({
    target: '≥ 100× faster than CASL on scoped checks (same run)',
    measured: `${fmt(cs)}×`,
    verdict: verdict(cs === undefined ? undefined : cs >= 100),
  });
  const allocs = t?.allocation.filter((a) => a.name === POLICYC && a.workload !== 'collection') ?? [];
  const worst =
    allocs.length > 0 ? Math.max(...allocs.map((a) => (a.heapAfterBytes - a.heapBeforeBytes) / a.checks)) : undefined;
  const gcs = allocs.reduce((n, a) => n + a.gcs, 0);
  out.push({
    target: 'no allocation on the check path',
    measured:
      allocs.length > 0
        ? `\`can()\`, scoped \`can()\`, \`subject().can()\`: ≤ ${fmt(worst)} B/check over ${allocs[0]!.checks.toLocaleString('en-US')} checks each, ${gcs} GCs`
        : 'n/a',
    verdict: verdict(worst === undefined ? undefined : worst < 0.01 && gcs === 0),
  });
  // Both shapes of the same R × P: the hierarchical one (roles built on a few base roles, ~1 MiB of
  // YAML) is how large organisations write roles; the flat one (every role spelling out ~300
  // grants, ~12 MiB of YAML) is the worst case and is bounded by YAML parsing.
  const largest = (shape: string) =>
    s?.cases.find((c) => c.shape === shape && c.roles === 2000 && c.permissions === 5000);
  const meets = (c: NonNullable<ReturnType<typeof largest>>) =>
    c.cold.ok && c.cold.wallS < 5 && c.cold.maxRssBytes < 1024 ** 3;
  const shapes = (['hierarchical', 'flat'] as const)
    .map((shape) => ({ shape, c: largest(shape) }))
    .filter((x) => x.c !== undefined);
  out.push({
    target: '2,000 × 5,000 × 3 builds in < 5 s and < 1 GiB',
    measured:
      shapes.length > 0
        ? shapes
            .map(
              ({ shape, c }) =>
                `${shape}: cold ${fmt(c!.cold.wallS)} s, ${fmtBytes(c!.cold.maxRssBytes)} peak RSS (${fmtBytes(c!.yamlBytes)} of YAML)${shape === 'flat' ? tuned(s!) : ''}`,
            )
            .join('; ')
        : 'not run (--quick)',
    verdict:
      shapes.length === 0
        ? verdict(undefined)
        : shapes.every(({ c }) => meets(c!))
          ? verdict(true)
          : shapes.some(({ c }) => meets(c!))
            ? `met for the ${shapes
                .filter(({ c }) => meets(c!))
                .map(({ shape }) => shape)
                .join(', ')} shape; **missed** for the ${shapes
                .filter(({ c }) => !meets(c!))
                .map(({ shape }) => shape)
                .join(', ')} one`
            : verdict(false),
  });
  const big = s ? [...s.cases].sort((a, b) => b.roles * b.permissions - a.roles * a.permissions)[0] : undefined;
  out.push({
    target: 'generated size within 1.5× of the raw bit count plus metadata',
    measured: big
      ? `${big.roles} × ${big.permissions}: access table ${fmt(big.accessTableBytes / big.rawBytes)}× raw bits; index.ts ${fmtBytes(big.indexBytes)} = tables + ${fmt((big.indexBytes - big.allTablesBytes) / (big.roles + big.permissions))} B metadata per role and permission; manifest.json ${fmtBytes(big.manifestBytes)} (${fmt(big.manifestBytes / big.rawBytes)}× raw)`
      : 'n/a',
    verdict: verdict(big ? big.accessTableBytes / big.rawBytes <= 1.5 : undefined),
  });
  const k = s?.exponents.find((e) => e.shape === 'flat' && e.measure === 'cold in-CLI time')?.k;
  const kw = s?.exponents.find((e) => e.shape === 'flat' && e.measure === 'cold wall time')?.k;
  const km = s?.exponents.find((e) => e.shape === 'flat' && e.measure === 'cold in-CLI time, two largest sizes')?.k;
  const kh = s?.exponents.find((e) => e.shape === 'hierarchical' && e.measure === 'cold in-CLI time')?.k;
  out.push({
    target: 'build time grows at most linearly with roles × permissions',
    measured: `time ∝ (R·P)^k, flat shape: k = ${fmt(k)} in CLI, ${fmt(kw)} wall${km !== undefined ? `, ${fmt(km)} between the two largest sets` : ''}${kh !== undefined ? `; hierarchical: ${fmt(kh)} in CLI` : ''}${s?.quick ? ' (2 sizes only)' : ''}`,
    verdict: verdict(k === undefined ? undefined : Math.max(k, km ?? 0) <= 1.1),
  });
  const flat = s?.cases.find((c) => c.shape === 'flat' && c.roles === 2000 && c.permissions === 5000);
  out.push({
    target:
      'a warm build of the flat 2,000 × 5,000 set (nothing changed; what `build --check` in CI is) in < 1 s (issue 15)',
    measured: flat?.warm
      ? `${fmt(flat.warm.wallS)} s wall, ${fmtBytes(flat.warm.maxRssBytes)} peak RSS from the build cache; ${flat.warmNoCache ? `${fmt(flat.warmNoCache.wallS)} s with \`--no-cache\`` : 'not run without the cache'}`
      : 'not run (--quick)',
    verdict: verdict(flat?.warm ? flat.warm.ok && flat.warm.wallS < 1 : undefined),
  });
  out.push({
    target:
      'generated modules of 2,000 × 5,000 with 2,000 users and of 20,000 roles type-check under tsconfig.generated.json (issue 15)',
    measured: ty
      ? ty.results
          .map(
            (x) =>
              `${x.roles.toLocaleString('en-US')} × ${x.permissions.toLocaleString('en-US')}, ${x.users.toLocaleString('en-US')} users (index.ts ${fmtBytes(x.indexBytes)}): ${x.tsc.ok ? 'type-checks' : 'fails'} in ${fmt(x.tsc.wallS)} s, ${fmtBytes(x.tsc.maxRssBytes)}`,
          )
          .join('; ')
      : 'n/a',
    verdict: verdict(ty && !ty.quick ? ty.results.every((x) => x.tsc.ok) : undefined),
  });
  const worstWatch = w && w.sets.length > 0 ? Math.max(...w.sets.map((x) => x.medianRebuildMs)) : undefined;
  out.push({
    target: 'a one-role edit of a shipped set rebuilt by `policyc watch` in < 100 ms (median)',
    measured: w
      ? w.sets
          .map((x) => `${x.set} ${fmt(x.medianRebuildMs)} ms (write → rebuilt ${fmt(x.medianEndToEndMs)} ms)`)
          .join('; ')
      : 'n/a',
    verdict: verdict(worstWatch === undefined ? undefined : worstWatch < 100),
  });
  const biggest = wn ? Math.max(...wn.runs.map((x) => x.warnings)) : undefined;
  const at = (format: 'human' | 'json') => wn?.runs.find((x) => x.warnings === biggest && x.format === format);
  const kHuman = wn?.exponents.find((e) => e.format === 'human')?.k;
  const kJson = wn?.exponents.find((e) => e.format === 'json')?.k;
  out.push({
    target: '`check` with 20,000 warnings in one file, human format: linear in the warnings (issue 15)',
    measured: wn
      ? `${biggest!.toLocaleString('en-US')} warnings: human ${fmt(median(at('human')?.wallMs ?? []) / 1000)} s, JSON ${fmt(median(at('json')?.wallMs ?? []) / 1000)} s; user CPU ∝ W^k over ${wn.runs.length / 2} sizes: human k = ${fmt(kHuman)}, JSON k = ${fmt(kJson)}`
      : 'n/a',
    verdict: verdict(kHuman === undefined || wn?.quick ? undefined : kHuman <= 1.1),
  });
  return out;
}

/** The rows of the summary table of an earlier RESULTS.md, by target: [measured, verdict]. */
function previousRows(previous: Map<string, string>): Map<string, readonly [string, string]> {
  const rows = new Map<string, readonly [string, string]>();
  for (const line of (previous.get('## Summary') ?? '').split('\n')) {
    const cells = line.split(' | ');
    if (!line.startsWith('| ') || !line.endsWith(' |') || cells.length !== 3) continue;
    const target = cells[0]!.slice(2);
    if (target === 'target' || target.startsWith('---')) continue;
    rows.set(target, [cells[1]!.replace(/ \(from an earlier run\)$/, ''), cells[2]!.slice(0, -2)]);
  }
  return rows;
}

/**
 * The summary table; a target this run could not measure (its section was left out with --only and
 * left no JSON in bench/.out) keeps the row of the earlier RESULTS.md, marked as such.
 */
function summary(r: Results, header: string, earlier = new Map<string, readonly [string, string]>()): string {
  const t = r.throughput;
  const parts = [
    header,
    '',
    table(
      ['target', 'measured', ''],
      targets(r).map((x) => {
        const before = x.verdict === 'n/a' ? earlier.get(x.target) : undefined;
        return before && before[1] !== 'n/a'
          ? [x.target, `${before[0]} (from an earlier run)`, before[1]]
          : [x.target, x.measured, x.verdict];
      }),
      ['l', 'l', 'l'],
    ),
  ];
  if (t) {
    const names = t.contenders.map((c) => c.name);
    parts.push(
      '',
      `Time per check, median of ${t.settings.rounds} interleaved rounds (in brackets: × the inlined bitset floor, measured in the same rounds):`,
      '',
      table(
        ['contender', ...WORKLOADS.map((x) => x.id)],
        names.map((n) => [
          n,
          ...WORKLOADS.map((x) => {
            const r = t.results.find((y) => y.workload === x.id && y.name === n);
            if (!r || r.status === 'cannot') return 'n/a';
            if (r.status !== 'timed') return `not timed (${r.status})`;
            return `${fmtNs(r.nsPerCheck)} (×${fmt(r.ratioToFloor)})`;
          }),
        ]),
      ),
    );
  }
  return parts.join('\n');
}

/** What each section measured (undefined when it failed or never ran). */
interface Results {
  readonly throughput?: ThroughputResults | undefined;
  readonly scale?: ScaleResults | undefined;
  readonly watch?: WatchResults | undefined;
  readonly report?: ReportResults | undefined;
  readonly types?: TypesResults | undefined;
  readonly warnings?: WarningsResults | undefined;
}

interface Section {
  readonly id: keyof Results;
  readonly heading: string;
  readonly script: string;
  readonly nodeFlags: readonly string[];
  // biome-ignore lint/suspicious/noExplicitAny: each section's own results type; see Results
  readonly markdown: (results: any) => string;
}

/** The sections of an existing RESULTS.md by heading, for `--only` runs of sections that left no JSON behind. */
function previousSections(file: string): Map<string, string> {
  const out = new Map<string, string>();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return out;
  }
  const parts = text.split(/^(?=## )/m);
  for (const part of parts) {
    const nl = part.indexOf('\n');
    if (part.startsWith('## ') && nl > 0) out.set(part.slice(0, nl), part.slice(nl + 1).trim());
  }
  return out;
}

/** Every measurement, in the order run and printed. */
const SECTIONS: readonly Section[] = [
  {
    id: 'throughput',
    heading: '## 1. Check throughput',
    script: 'throughput.ts',
    nodeFlags: ['--expose-gc'],
    markdown: throughputMarkdown,
  },
  { id: 'scale', heading: '## 2. Compiler scaling', script: 'scale.ts', nodeFlags: [], markdown: scaleMarkdown },
  {
    id: 'watch',
    heading: '## 3. Watch-mode rebuild latency',
    script: 'watch-latency.ts',
    nodeFlags: [],
    markdown: watchMarkdown,
  },
  { id: 'report', heading: REPORT_HEADING, script: 'report.ts', nodeFlags: [], markdown: reportMarkdown },
  {
    id: 'types',
    heading: '## 5. Generated types at scale (`tsc`)',
    script: 'types.ts',
    nodeFlags: [],
    markdown: typesMarkdown,
  },
  {
    id: 'warnings',
    heading: '## 6. `check` with many warnings in one file (issue 15)',
    script: 'warnings.ts',
    nodeFlags: [],
    markdown: warningsMarkdown,
  },
];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const only = args.includes('--only') ? new Set((args[args.indexOf('--only') + 1] ?? '').split(',')) : undefined;
  const q = quick ? ['--quick'] : [];
  const started = new Date();
  const load0 = os.loadavg();
  mkdirSync(OUT, { recursive: true });
  const t0 = Date.now();
  const results: Record<string, unknown> = {};
  const notes: Record<string, string> = {};
  const previous = previousSections(path.join(HERE, 'RESULTS.md'));
  const earlier = previousRows(previous);
  let ok = true;
  for (const section of SECTIONS) {
    const file = path.join(OUT, `${section.id}.json`);
    if (only && !only.has(section.id)) {
      results[section.id] = readJson(file);
      if (results[section.id])
        notes[section.id] = `(not measured by this run: from the last run that did, bench/.out/${section.id}.json)\n\n`;
      continue;
    }
    process.stderr.write(`\n# ${section.heading.replace(/^## (\d+\. )?/, '')}\n`);
    const done = child(section.script, section.nodeFlags, [...q, '--json', file]);
    ok &&= done;
    results[section.id] = done ? readJson(file) : undefined;
  }
  const r = results as Results;
  const seconds = (Date.now() - t0) / 1000;
  const m = machine();
  const load1 = os.loadavg();
  const command = `npm run bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`;
  const when = started.toISOString().replace(/\.\d+Z$/, 'Z');
  const header = `Measured with \`${command}\` on ${when.slice(0, 10)}: ${m.cpu}, ${m.cores} cores, ${m.memory}, Node ${m.node}. The machine is shared: compare ratios measured in the same run, not absolute times. Full results: [bench/RESULTS.md](bench/RESULTS.md).`;
  const text = [
    '# Benchmark results',
    '',
    `- Command: \`${command}\`${quick ? ' (smoke run: fewer queries, rounds and edits; no 2,000 × 5,000 set)' : ''}`,
    `- Date: ${when}; took ${fmt(seconds)} s`,
    `- Machine: ${m.cpu}; ${m.cores} cores; ${m.memory} memory; ${m.platform}`,
    `- Node ${m.node}`,
    `- Load average (1/5/15 min) at the start ${load0.map((x) => fmt(x)).join(' / ')}, at the end ${load1.map((x) => fmt(x)).join(' / ')}: the machine is shared with other jobs, so absolute times are noisy; every comparison below is a ratio measured side by side in the same run, and a median.`,
    '',
    '## Summary',
    '',
    summary(r, '', earlier).trim(),
    ...SECTIONS.flatMap((x) => [
      '',
      x.heading,
      '',
      results[x.id]
        ? `${notes[x.id] ?? ''}${x.markdown(results[x.id])}`
        : only && !only.has(x.id) && previous.has(x.heading)
          ? `(not measured by this run: kept from the previous bench/RESULTS.md)\n\n${previous.get(x.heading)!.replace(/^\(not measured by this run[^\n]*\n\n/, '')}`
          : 'failed or not run: see the output of the run',
    ]),
    // bench/startup.ts writes its own section last; a run that leaves it out keeps the previous one.
    ...(only && !only.has('startup') && previous.has(STARTUP_HEADING)
      ? ['', STARTUP_HEADING, '', previous.get(STARTUP_HEADING)!]
      : []),
    '',
  ].join('\n');
  writeFileSync(path.join(HERE, 'RESULTS.md'), text);
  // Start-up and Gherkin steps (bench/startup.ts) write their own section after the others.
  if (!only || only.has('startup')) {
    process.stderr.write('\n# start-up and Gherkin steps\n');
    child('startup.ts', [], [...q, ...(quick ? [] : ['--differential']), '--results']);
  }
  const readmePath = path.join(ROOT, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const begin = '<!-- bench:begin -->';
  const end = '<!-- bench:end -->';
  const i = readme.indexOf(begin);
  const j = readme.indexOf(end);
  if (i >= 0 && j > i) {
    writeFileSync(
      readmePath,
      `${readme.slice(0, i + begin.length)}\n${summary(r, header, earlier)}\n${readme.slice(j)}`,
    );
  } else {
    process.stderr.write('bench: README.md has no bench markers; the summary is only in bench/RESULTS.md\n');
  }
  process.stderr.write(`\nwrote bench/RESULTS.md and the README summary in ${fmt(seconds)} s\n`);
  process.stdout.write(`${summary(r, header, earlier)}\n`);
  if (!ok) process.exitCode = 1;
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
