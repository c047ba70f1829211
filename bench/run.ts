/**
 * `npm run bench [-- --quick]`: check throughput, compiler scaling and watch latency, each in its
 * own child process (one after the other: the machine is shared and has few cores), then
 * bench/RESULTS.md (machine, Node version, date, command, every table) and the summary table
 * between the bench markers of README.md.
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
import { fmt, fmtBytes, fmtNs, machine, table } from './util.js';
import { type WatchResults, watchMarkdown } from './watch-latency.js';
import { RESULTS_HEADING as REPORT_HEADING, type ReportResults, reportMarkdown } from './report.js';

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
function targets(t: ThroughputResults | undefined, s: ScaleResults | undefined, w: WatchResults | undefined): Target[] {
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
  return out;
}

function summary(
  t: ThroughputResults | undefined,
  s: ScaleResults | undefined,
  w: WatchResults | undefined,
  header: string,
): string {
  const parts = [
    header,
    '',
    table(
      ['target (issue 6)', 'measured', ''],
      targets(t, s, w).map((x) => [x.target, x.measured, x.verdict]),
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

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const q = quick ? ['--quick'] : [];
  const started = new Date();
  const load0 = os.loadavg();
  mkdirSync(OUT, { recursive: true });
  const files = {
    throughput: path.join(OUT, 'throughput.json'),
    scale: path.join(OUT, 'scale.json'),
    watch: path.join(OUT, 'watch.json'),
    report: path.join(OUT, 'report.json'),
  };
  const t0 = Date.now();
  process.stderr.write('# check throughput\n');
  const okT = child('throughput.ts', ['--expose-gc'], [...q, '--json', files.throughput]);
  process.stderr.write('\n# compiler scaling\n');
  const okS = child('scale.ts', [], [...q, '--json', files.scale]);
  process.stderr.write('\n# watch latency\n');
  const okW = child('watch-latency.ts', [], [...q, '--json', files.watch]);
  process.stderr.write('\n# report page\n');
  const okR = child('report.ts', [], [...q, '--json', files.report]);
  const seconds = (Date.now() - t0) / 1000;
  const t = okT ? readJson<ThroughputResults>(files.throughput) : undefined;
  const s = okS ? readJson<ScaleResults>(files.scale) : undefined;
  const w = okW ? readJson<WatchResults>(files.watch) : undefined;
  const rp = okR ? readJson<ReportResults>(files.report) : undefined;
  const m = machine();
  const load1 = os.loadavg();
  const command = `npm run bench${quick ? ' -- --quick' : ''}`;
  const when = started.toISOString().replace(/\.\d+Z$/, 'Z');
  const header = `Measured with \`${command}\` on ${when.slice(0, 10)}: ${m.cpu}, ${m.cores} cores, ${m.memory}, Node ${m.node}. The machine is shared: compare ratios measured in the same run, not absolute times. Full results: [bench/RESULTS.md](bench/RESULTS.md).`;
  const results = [
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
    summary(t, s, w, '').trim(),
    '',
    '## 1. Check throughput',
    '',
    t ? throughputMarkdown(t) : 'failed: see the output of the run',
    '',
    '## 2. Compiler scaling',
    '',
    s ? scaleMarkdown(s) : 'failed: see the output of the run',
    '',
    '## 3. Watch-mode rebuild latency',
    '',
    w ? watchMarkdown(w) : 'failed: see the output of the run',
    '',
    REPORT_HEADING,
    '',
    rp ? reportMarkdown(rp) : 'failed: see the output of the run',
    '',
  ].join('\n');
  writeFileSync(path.join(HERE, 'RESULTS.md'), results);
  // Start-up and Gherkin steps (bench/startup.ts) write their own section after the others.
  process.stderr.write('\n# start-up and Gherkin steps\n');
  child('startup.ts', [], [...q, '--results']);
  const readmePath = path.join(ROOT, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const begin = '<!-- bench:begin -->';
  const end = '<!-- bench:end -->';
  const i = readme.indexOf(begin);
  const j = readme.indexOf(end);
  if (i >= 0 && j > i) {
    writeFileSync(readmePath, `${readme.slice(0, i + begin.length)}\n${summary(t, s, w, header)}\n${readme.slice(j)}`);
  } else {
    process.stderr.write('bench: README.md has no bench markers; the summary is only in bench/RESULTS.md\n');
  }
  process.stderr.write(`\nwrote bench/RESULTS.md and the README summary in ${fmt(seconds)} s\n`);
  process.stdout.write(`${summary(t, s, w, header)}\n`);
  if (!okT || !okS || !okW || !okR) process.exitCode = 1;
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
