import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempWorkspace } from './support/cli.js';
import { CHANGES } from './support/diff-history.js';
import { ScratchRepo } from './support/git-repo.js';

/*
 * `policyc report` on the command line: what it writes (one self-contained, deterministic page
 * whose policy allows only its own inline style and script), and what it refuses (sets with
 * errors, unknown revisions and sets, unwritable files), without a stack trace or partial output.
 */

let repo: ScratchRepo;

beforeAll(() => {
  repo = new ScratchRepo();
  repo.checkout('change', true);
  CHANGES.widenScope(repo);
  repo.commit('widen team-lead', 'pr');
  repo.checkout('main');
});

afterAll(() => repo.dispose());

const sha = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('policyc report PATH', () => {
  it('writes one self-contained page: no URL to load, a CSP allowing only its inline style and script by hash', async () => {
    const r = await runCli(['report', 'policies/crm', '-o', '-']);
    expect(r.code).toBe(0);
    const html = r.stdout;
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/\s(src|href)="(?!#)/);
    expect(html).not.toMatch(/url\((?!#)|@import|<link|<iframe|<img/);
    const style = html.match(/<style>([\s\S]*?)<\/style>/)![1]!;
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(1);
    const csp = html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)![1]!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`style-src ${sha(style)}`);
    expect(csp).toContain(`script-src ${sha(scripts[0]!)}`);
    expect(html).not.toMatch(/\sstyle="/); // inline style attributes would be blocked by the CSP
    expect(html).toContain('data-perm="records:update"');
    // Deterministic: the same sets give the same bytes.
    expect((await runCli(['report', 'policies/crm', '-o', '-'])).stdout).toBe(html);
  });

  it('writes the file named by -o and says so; the default is every set of policies/', async () => {
    const ws = tempWorkspace();
    const out = path.join(ws.dir, 'out/report.html');
    const r = await runCli(['report', ws.policies, '-o', out, '--no-color']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✔ .*report\.html \(\d+\.\d KiB\): crm, platform\n$/);
    expect(readFileSync(out, 'utf8')).toContain('section class="set" id="set-1" data-set="platform"');
  });

  it('escapes every text from the policy: a title cannot inject markup', async () => {
    const ws = tempWorkspace();
    const file = path.join(ws.policies, 'crm/roles/auditor.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('title: Auditor', 'title: "<img src=x onerror=alert(1)> Auditor"'),
    );
    const r = await runCli(['report', path.join(ws.policies, 'crm'), '-o', '-']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('&lt;img src=x onerror=alert(1)&gt; Auditor');
    expect(r.stdout).not.toContain('<img');
  });

  it('refuses a set with errors: its diagnostics on stderr, exit 1, no file', async () => {
    const ws = tempWorkspace();
    const file = path.join(ws.policies, 'crm/roles/team-lead.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('records:update: group', 'records:updat: group'));
    const out = path.join(ws.dir, 'report.html');
    const r = await runCli(['report', ws.policies, '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('PC301');
    expect(r.stderr).toContain('did you mean `records:update`?');
    expect(existsSync(out)).toBe(false);
  });

  it('reports an unwritable output as PC605, exit 2', async () => {
    const ws = tempWorkspace();
    const notAFolder = path.join(ws.dir, 'file');
    writeFileSync(notAFolder, '');
    const r = await runCli(['report', 'policies/crm', '-o', path.join(notAFolder, 'report.html')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('PC605');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('policyc report BASE [HEAD]', () => {
  it('compares two git revisions like policyc diff: the escalated cell is marked', async () => {
    const r = await repo.run(['report', 'base', 'pr', '-o', '-']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('<h1>Access change review</h1>');
    expect(r.stdout).toMatch(
      /<td class="lv2 ch ch-widened esc" title="team-lead holds records:update at all[^"]*ESCALATION: widened from group to all">/,
    );
    expect(r.stdout).toContain('<input type="checkbox" id="f-changed"> changed only');
    const diff = await repo.run(['diff', 'base', 'pr', '--format', 'json']);
    const escalations = (JSON.parse(diff.stdout) as { escalations: { message: string }[] }).escalations;
    expect(escalations).toHaveLength(1);
    expect(r.stdout).toContain(escalations[0]!.message.replace(/`([^`]+)`/g, '<code>$1</code>'));
  });

  it('takes one revision as BASE against the working tree, and --set for one set', async () => {
    repo.checkout('pr');
    try {
      const r = await repo.run(['report', 'base', '--set', 'crm', '-o', '-']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('data-set="crm"');
      expect(r.stdout).not.toContain('data-set="platform"');
      expect(r.stdout).toContain('base (');
    } finally {
      repo.checkout('main');
    }
  });

  it('rejects an unknown revision and an unknown set with a hint (exit 2)', async () => {
    const bad = await repo.run(['report', 'no-such-branch', 'pr']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('PC903');
    const set = await repo.run(['report', 'base', 'pr', '--set', 'crn']);
    expect(set.code).toBe(2);
    expect(set.stderr).toContain('did you mean `crm`?');
  });
});
