import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const temp = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'policyc-init-'));
  dirs.push(d);
  return d;
};

describe('policyc init', () => {
  it('creates a set that checks clean and builds', async () => {
    const root = temp();
    const set = path.join(root, 'policies', 'docs');
    const r = await runCli(['init', set]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('created the policy set docs');
    expect(readFileSync(path.join(set, 'roles/member.yaml'), 'utf8')).toMatch(
      /^# yaml-language-server: \$schema=(\.\.\/)+.*schemas\/policyc-v1\.schema\.json/,
    );
    const check = await runCli(['check', set]);
    expect(check.stdout).toContain('✔ docs');
    expect(check.code).toBe(0);
    const build = await runCli(['build', set, '--out', path.join(root, 'generated')]);
    expect(build.code).toBe(0);
    expect(readFileSync(path.join(root, 'generated/docs/index.ts'), 'utf8')).toContain('export function can(');
  });

  it('creates a first feature that policyc test passes right away', async () => {
    const root = temp();
    const r = await runCli(['init', path.join(root, 'policies', 'docs')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('created a first feature');
    const feature = path.join(root, 'features', 'docs.feature');
    expect(readFileSync(feature, 'utf8')).toContain('Given the policy set "docs"');
    const t = await runCli(['test', path.join(root, 'features'), '--policies', path.join(root, 'policies')]);
    expect(t.stdout).toContain('3 scenarios (3 passed)');
    expect(t.code).toBe(0);
    // A second set beside it keeps the first feature as it is.
    writeFileSync(feature, 'Feature: mine\n');
    const again = await runCli(['init', path.join(root, 'policies', 'docs2'), '--name', 'docs']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('exists: left as it is');
    expect(readFileSync(feature, 'utf8')).toBe('Feature: mine\n');
  });

  it('never overwrites: an existing non-empty folder is refused and left alone', async () => {
    const root = temp();
    const set = path.join(root, 'mine');
    mkdirSync(set);
    writeFileSync(path.join(set, 'policyset.yaml'), 'precious work\n');
    const r = await runCli(['init', set]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('already exists and is not empty; nothing was written');
    expect(readFileSync(path.join(set, 'policyset.yaml'), 'utf8')).toBe('precious work\n');
  });

  it('refuses a set name that is not a key', async () => {
    const r = await runCli(['init', path.join(temp(), 'x'), '--name', 'My Set']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not a valid set name');
  });
});
