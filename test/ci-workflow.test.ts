import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CHANGES } from './support/diff-history.js';
import { normalizeCommits, ScratchRepo } from './support/git-repo.js';
import { ROOT } from './support/sets.js';

/*
 * The README's CI workflow, run against pull requests: its policyc commands are read from the
 * README (so the test and the documentation cannot drift) and run in a scratch repository whose
 * `main` holds the shipped policies with their generated code, and whose pull-request branches
 * are real changes, built with `policyc build` and committed. `policyc test` (the Gherkin step)
 * is left out: the scratch repository has no features/. The commands run in-process with the
 * scratch repository as the current directory (`build` reads its paths relative to the process's
 * directory; the test runs in a forked worker, so changing it is safe).
 */

/** Runs `body` with the process in `dir`. */
async function inDir<T>(dir: string, body: () => Promise<T>): Promise<T> {
  const before = process.cwd();
  process.chdir(dir);
  try {
    return await body();
  } finally {
    process.chdir(before);
  }
}

const GOLDEN = path.join(ROOT, 'test/fixtures/diff');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly with?: Record<string, unknown>;
  readonly run?: string;
}

/** The workflow block of the README's CI section, parsed. */
function readmeWorkflow(): { steps: Step[]; text: string } {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n### CI\n'));
  const m = /```yaml\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error('no yaml block in the README CI section');
  const doc = parse(m[1]!) as { jobs: Record<string, { steps: Step[] }> };
  return { steps: Object.values(doc.jobs)[0]!.steps, text: m[1]! };
}

/** Splits one shell command line into words (double quotes, `$VAR`, and a trailing `> file`). */
function words(line: string, env: Record<string, string>): { argv: string[]; redirect: string | undefined } {
  const expanded = line.replace(/\$([A-Z_]+)/g, (_, v: string) => env[v] ?? '');
  const argv: string[] = [];
  let redirect: string | undefined;
  const re = /"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  let next = false;
  while ((m = re.exec(expanded))) {
    const w = m[1] ?? m[2]!;
    if (w === '>') next = true;
    else if (next) {
      redirect = w;
      next = false;
    } else argv.push(w);
  }
  return { argv, redirect };
}

/** The workflow's `npx policyc …` commands (not `policyc test`), in order, with their step names. */
function policycCommands(steps: Step[]): { step: string; line: string }[] {
  return steps.flatMap((s) =>
    (s.run ?? '')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('npx policyc ') && !l.startsWith('npx policyc test'))
      .map((line) => ({ step: s.name ?? '', line })),
  );
}

let repo: ScratchRepo;
const PRS = {
  /** A non-sensitive scoped permission added to the catalog (the owner's `"*"` reaches it at `all`). */
  catalogOnly: (r: ScratchRepo) => CHANGES.addScopedCatalogPermission(r),
  /** crm renamed to crm-next (declared in previousNames), with a new user holding the owner role. */
  renameSetAddOwner: (r: ScratchRepo) => {
    CHANGES.renameSetDeclared(r);
    rmSync(r.file('generated/crm'), { recursive: true, force: true });
  },
  /** Two lockfile numbers swapped; `policyc build` regenerates the code to match. */
  renumberLockfile: (r: ScratchRepo) => CHANGES.swapLockNumbers(r),
};

beforeAll(async () => {
  repo = new ScratchRepo();
  expect((await inDir(repo.dir, () => repo.run(['build']))).code).toBe(0);
  repo.commit('generated code', 'ci-base');
  // What actions/checkout with fetch-depth 0 gives: the base branch as origin/<base_ref>.
  repo.git('update-ref', 'refs/remotes/origin/main', 'HEAD');
  for (const [name, change] of Object.entries(PRS)) {
    repo.checkout('main');
    repo.checkout(`pr/${name}`, true);
    change(repo);
    const built = await inDir(repo.dir, () => repo.run(['build']));
    expect(built.code, built.stdout + built.stderr).toBe(0);
    repo.commit(name, `pr-${name}`);
  }
  repo.checkout('main');
});

afterAll(() => repo?.dispose());

/** Runs the workflow's policyc commands on a pull request's branch: each step's exit code, and the diff's markdown. */
async function runWorkflow(
  pr: keyof typeof PRS,
): Promise<{ results: { line: string; code: number; stderr: string }[]; markdown: string }> {
  repo.checkout(`pr/${pr}`);
  try {
    const results: { line: string; code: number; stderr: string }[] = [];
    let markdown = '';
    for (const { line } of policycCommands(readmeWorkflow().steps)) {
      const { argv, redirect } = words(line, { BASE_REF: 'main' });
      const r = await inDir(repo.dir, () => repo.run(argv.slice(2)));
      if (redirect) markdown = r.stdout;
      results.push({ line, code: r.code, stderr: r.stderr });
    }
    return { results, markdown };
  } finally {
    repo.checkout('main');
  }
}

/** Compares with (or, with UPDATE_GOLDEN=1, writes) a golden file. */
function golden(file: string, actual: string): void {
  const target = path.join(GOLDEN, file);
  if (UPDATE || !existsSync(target)) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(target, actual);
  }
  expect(actual).toBe(readFileSync(target, 'utf8'));
}

describe('the README CI workflow', () => {
  it('uses Node 24, and gates on escalations and lockfile renumbering', () => {
    const { steps } = readmeWorkflow();
    expect(steps.find((s) => s.uses?.startsWith('actions/setup-node'))?.with?.['node-version']).toBe(24);
    expect(policycCommands(steps).map((c) => c.line)).toEqual([
      'npx policyc check --format github',
      'npx policyc build --check --locked --format github',
      'npx policyc diff "origin/$BASE_REF" HEAD --format markdown --fail-on escalation,renumbering > policy-diff.md',
    ]);
  });

  it('passes a pull request that adds a non-sensitive permission to the catalog', async () => {
    const { results, markdown } = await runWorkflow('catalogOnly');
    expect(results.map((r) => [r.line.split(' ')[2], r.code])).toEqual([
      ['check', 0],
      ['build', 0],
      ['diff', 0],
    ]);
    expect(markdown).toContain('`system-owner`');
    expect(markdown).not.toContain('[!WARNING]');
    golden('ci-catalog-only.md', normalizeCommits(markdown));
  });

  it('fails a pull request that renames a set and adds an owner-role user', async () => {
    const { results, markdown } = await runWorkflow('renameSetAddOwner');
    const diff = results.find((r) => r.line.includes(' diff '))!;
    expect(diff.code).toBe(1);
    expect(diff.stderr).toContain('--fail-on escalation: 1 escalation');
    expect(markdown).toContain('**crm-next** (renamed from **crm**)');
    expect(markdown).toContain('new user `oscar` (Oscar Reyes) now holds every permission at all');
  });

  it('fails a pull request that renumbers the lockfile, although check and build --check --locked pass', async () => {
    const { results, markdown } = await runWorkflow('renumberLockfile');
    expect(results.map((r) => [r.line.split(' ')[2], r.code])).toEqual([
      ['check', 0],
      ['build', 0],
      ['diff', 1],
    ]);
    expect(results[2]!.stderr).toContain('--fail-on renumbering: 2 lockfile numbers changed meaning');
    expect(markdown).toContain('Breaking: 2 lockfile numbers change meaning.');
    golden('ci-renumbering.md', normalizeCommits(markdown));
  });
});
