import { readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { runCli } from './support/cli.js';
import { ROOT } from './support/sets.js';

// The ready-to-copy GitHub Actions workflow: .github/workflows/policies.yml is the README's
// workflow (section CI) with the Node version CI proves; both must stay valid and runnable.

const workflowFile = path.join(ROOT, '.github/workflows/policies.yml');
const workflowText = readFileSync(workflowFile, 'utf8');
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  scripts: Record<string, string>;
};

interface Step {
  readonly name?: string;
  readonly run?: string;
  readonly uses?: string;
  readonly with?: Record<string, unknown>;
}

function parseWorkflow(text: string): { jobs: Record<string, { steps: Step[] }> } {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  expect(doc.errors.map((e) => e.message)).toEqual([]);
  expect(doc.warnings.map((e) => e.message)).toEqual([]);
  return doc.toJS() as { jobs: Record<string, { steps: Step[] }> };
}

/** The `npx policyc …` command lines of the workflow's run steps, split into words (quotes removed, redirections dropped). */
function policycCommands(steps: readonly Step[]): string[][] {
  const commands: string[][] = [];
  for (const step of steps) {
    for (const line of (step.run ?? '').split('\n')) {
      const words = [...line.trim().matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
      const end = words.findIndex((w) => w === '>' || w === '|' || w === '&&');
      const command = end === -1 ? words : words.slice(0, end);
      if (command[0] === 'npx' && command[1] === 'policyc') commands.push(command.slice(2));
    }
  }
  return commands;
}

describe('the GitHub Actions workflow', () => {
  const workflow = parseWorkflow(workflowText);
  const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);

  it('is the README workflow, with the Node version CI runs', () => {
    const block = /```yaml\n(name: policies\n[\s\S]*?)```/.exec(readme)?.[1];
    expect(block, 'the README section CI shows the workflow').toBeDefined();
    const body = workflowText.replace(/^#.*\n/, '');
    const normalise = (t: string) => t.replace(/node-version: \d+/, 'node-version: N');
    expect(normalise(body)).toBe(normalise(block ?? ''));
  });

  it('sets up a Node version within engines', () => {
    const setup = steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
    const version = Number(setup?.with?.['node-version']);
    expect(version).toBe(24);
    expect(semver.satisfies(`${version}.0.0`, pkg.engines.node)).toBe(true);
  });

  it('runs policyc commands that work on this repository', async () => {
    const commands = policycCommands(steps);
    expect(commands.map((c) => c[0])).toEqual(['check', 'build', 'test', 'diff']);
    for (const argv of commands) {
      // `policyc test` is the last step of `npm test`, which runs it on every change.
      if (argv[0] === 'test') {
        expect(pkg.scripts.test).toMatch(/node bin\/policyc\.js test$/);
        continue;
      }
      // The base branch of a pull request is, here, the commit under test.
      const resolved = argv.map((w) => (w === 'origin/$BASE_REF' ? 'HEAD' : w));
      const r = await runCli(resolved);
      expect({ argv: resolved, code: r.code, stderr: r.stderr }).toEqual({ argv: resolved, code: 0, stderr: '' });
    }
  });
});
