import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

const FIXTURES = 'test/fixtures/gherkin';

describe('policyc test', () => {
  it('passes true scenarios and prints the progress, the summary and the coverage table (exit 0)', async () => {
    const { code, stdout } = await runCli(['test', `${FIXTURES}/right.feature`]);
    expect(code).toBe(0);
    expect(stdout).toContain('1 scenario (1 passed)');
    expect(stdout).toMatch(/Policy coverage\n\s+set\s+grants\s+collection entries\s+total\n\s+crm\s+1\/211\s+0\.4 %/);
    // Only the sets the scenarios used: platform is in policies/ but no scenario of the run touched it.
    expect(stdout).not.toMatch(/^\s+platform\s/m);
    expect(stdout).toContain('sales-agent: ');
  });

  it('fails a deliberately wrong scenario with the role, the permission, the scope and why (exit 1)', async () => {
    const { code, stdout } = await runCli(['test', `${FIXTURES}/wrong.feature`]);
    expect(code).toBe(1);
    expect(stdout).toContain('4 scenarios (4 failed)');
    // A grant that exists at a narrower level, through inheritance.
    expect(stdout).toContain(
      'Expected the role "Team Lead" (team-lead) to be able to "Delete" (records:delete, CRM Modules) at scope group, but the role "Team Lead" cannot.',
    );
    expect(stdout).toContain('Why: the widest level granted for records:delete is own, narrower than group:');
    expect(stdout).toContain(
      '- sales-agent (inherited: team-lead → sales-agent) grants `records:*: own` → records:delete at own',
    );
    // No grant at all.
    expect(stdout).toContain(
      'Expected "alice" (Alice Martin, roles: sales-agent) to be able to "Role Configuration" (roles:configure, Users), but "alice" cannot.',
    );
    expect(stdout).toContain(
      'Why: no grant gives roles:configure: none of sales-agent, user (inherited: sales-agent → user) grants it',
    );
    // A denial the policy contradicts.
    expect(stdout).toContain(
      'Expected "bob" (Bob Keller, roles: team-lead) not to be able to "View" (records:view, CRM Modules) at scope group, but "bob" can:',
    );
    expect(stdout).toContain('- team-lead grants `records:view: group` → records:view at group');
    // Self-restriction.
    expect(stdout).toContain('users:deactivate is self-restricted: it never applies to the subject itself');
  });

  it('fails a step that matches no phrase and suggests the closest one (exit 1)', async () => {
    const { code, stdout } = await runCli(['test', `${FIXTURES}/undefined.feature`]);
    expect(code).toBe(1);
    expect(stdout).toContain('1 scenario (1 undefined)');
    expect(stdout).toContain('1 step matches no phrase of the step library');
    expect(stdout).toContain(`${FIXTURES}/undefined.feature:4  Then "alice" kan "View" "CRM Modules"`);
    expect(stdout).toContain('did you mean: Then "alice" can "View" "CRM Modules"');
  });

  it('fails below --min-coverage, and writes cucumber reports given with --format (exit 1)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'policyc-test-'));
    const junit = path.join(dir, 'report.xml');
    const { code, stdout } = await runCli([
      'test',
      `${FIXTURES}/right.feature`,
      '--min-coverage',
      '50',
      '--format',
      `junit:${junit}`,
    ]);
    expect(code).toBe(1);
    expect(stdout).toContain('Policy coverage of crm is 0.4 %, below --min-coverage 50 %.');
    expect(existsSync(junit)).toBe(true);
    expect(readFileSync(junit, 'utf8')).toContain('<testsuite');
  });

  it('gates only the sets the scenarios used, and writes the coverage as JSON and Cobertura XML', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'policyc-test-'));
    const json = path.join(dir, 'coverage/policy.json');
    const cobertura = path.join(dir, 'coverage/policy.xml');
    const { code, stdout } = await runCli([
      'test',
      `${FIXTURES}/right.feature`,
      '--min-coverage',
      '0.1',
      '--coverage-json',
      json,
      '--coverage-cobertura',
      cobertura,
    ]);
    expect(stdout).not.toContain('Policy coverage of platform');
    expect(code).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as {
      sets: {
        set: string;
        grants: {
          total: number;
          covered: number;
          missed: { role: string; permission: string; level: string | null }[];
        };
      }[];
    };
    expect(report.sets.map((s) => s.set)).toEqual(['crm']);
    expect(report.sets[0]!.grants).toMatchObject({ total: 211, covered: 1 });
    expect(report.sets[0]!.grants.missed).toContainEqual({ role: 'auditor', permission: 'groups:view', level: 'all' });
    const xml = readFileSync(cobertura, 'utf8');
    expect(xml).toContain('<package name="crm"');
    expect(xml).toMatch(
      /<class name="sales-agent" filename="policies\/crm\/roles\/sales-agent.yaml" line-rate="0\.\d+"/,
    );
    expect(xml).toMatch(/<line number="\d+" hits="1" branch="false"\/>/);
    expect(xml).not.toContain('<package name="platform"');
  });

  it('annotates failed steps for GitHub with --format github', async () => {
    const { code, stdout } = await runCli(['test', `${FIXTURES}/wrong.feature`, '--format', 'github']);
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /^::error file=test\/fixtures\/gherkin\/wrong\.feature,line=11,title=Scenario%3A A sales agent configures roles \(no grant at all\)::Then "alice" can "Role Configuration"%0AExpected "alice"/m,
    );
    expect(stdout).toContain('4 scenarios (4 failed)');
  });

  it('reports usage errors (exit 2)', async () => {
    expect((await runCli(['test', 'features/no-such-folder'])).code).toBe(2);
    expect((await runCli(['test', `${FIXTURES}/right.feature`, '--min-coverage', '150'])).code).toBe(2);
    const unknown = await runCli(['test', `${FIXTURES}/right.feature`, '--format', 'no-such-formatter']);
    expect(unknown.code).toBe(2);
  });

  it('fails a scenario about an unknown set with a did-you-mean', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'policyc-test-'));
    const file = path.join(dir, 'typo.feature');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, 'Feature: typo\n  Scenario: a misspelt set\n    Given the policy set "crn"\n');
    const { code, stdout } = await runCli(['test', file]);
    expect(code).toBe(1);
    expect(stdout).toContain('unknown policy set "crn"');
    expect(stdout).toContain('did you mean `crm`?');
  });
});
