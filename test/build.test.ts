import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempWorkspace } from './support/cli.js';
import { ROOT } from './support/sets.js';

const workspaces: string[] = [];
function workspace() {
  const w = tempWorkspace();
  workspaces.push(w.dir);
  return w;
}
afterEach(() => {
  for (const d of workspaces.splice(0)) rmSync(d, { recursive: true, force: true });
});

const read = (p: string) => readFileSync(p, 'utf8');
const edit = (file: string, from: string, to: string) => {
  const text = read(file);
  if (!text.includes(from)) throw new Error(`${from} not in ${file}`);
  writeFileSync(file, text.replace(from, to));
};

describe('policyc build', () => {
  it('finds the shipped generated/ and lockfiles up to date (--check --locked)', async () => {
    const r = await runCli([
      'build',
      path.join(ROOT, 'policies'),
      '--out',
      path.join(ROOT, 'generated'),
      '--check',
      '--locked',
    ]);
    expect(r.stdout).toContain('up to date');
    expect(r.code).toBe(0);
  });

  it('writes nothing when nothing changed, and reports sizes', async () => {
    const w = workspace();
    const before = statSync(path.join(w.generated, 'crm/index.ts')).mtimeMs;
    const r = await runCli(['build', w.policies, '--out', w.generated]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/crm .*index\.ts [\d.]+ KiB.*unchanged/);
    expect(r.stdout).toMatch(/Built 2 sets in \d+ ms: 6 files/);
    expect(statSync(path.join(w.generated, 'crm/index.ts')).mtimeMs).toBe(before);
  });

  it('--check lists stale files and exits 1 without writing', async () => {
    const w = workspace();
    edit(path.join(w.policies, 'crm/roles/auditor.yaml'), '  grants:\n', '  grants:\n    - campaigns:view\n');
    const before = read(path.join(w.generated, 'crm/index.ts'));
    const r = await runCli(['build', w.policies, '--out', w.generated, '--check']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('error[PC604]');
    expect(r.stdout).toMatch(/generated\/crm\/index\.ts is stale/);
    expect(r.stdout).toMatch(/platform .*up to date/);
    expect(read(path.join(w.generated, 'crm/index.ts'))).toBe(before);
  });

  it('--locked fails when a new permission needs a number, and does not write', async () => {
    const w = workspace();
    edit(
      path.join(w.policies, 'crm/catalog/05-email.yaml'),
      '  permissions:\n',
      '  permissions:\n    - id: emails:schedule\n      title: Schedule E-mail\n',
    );
    edit(
      path.join(w.policies, 'crm/catalog/00-actions.yaml'),
      '  actions:\n',
      '  actions:\n    - name: schedule\n      title: Schedule\n',
    );
    const lock = read(path.join(w.policies, 'crm/policyc.lock.json'));
    const r = await runCli(['build', w.policies, '--out', w.generated, '--locked']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('error[PC602]');
    expect(r.stdout).toContain('permission emails:schedule gets number 49');
    expect(read(path.join(w.policies, 'crm/policyc.lock.json'))).toBe(lock);
    const ok = await runCli(['build', w.policies, '--out', w.generated]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('lockfile: permission emails:schedule gets number 49');
    expect(JSON.parse(read(path.join(w.policies, 'crm/policyc.lock.json'))).permissions.active['emails:schedule']).toBe(
      49,
    );
  });

  it('a failing build leaves the last good output in place and exits 1', async () => {
    const w = workspace();
    const before = read(path.join(w.generated, 'crm/index.ts'));
    edit(path.join(w.policies, 'crm/roles/auditor.yaml'), '  grants:\n', '  grants:\n    - campaigns:veiw\n');
    const r = await runCli(['build', w.policies, '--out', w.generated]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('error[PC301] unknown permission `campaigns:veiw`');
    expect(r.stdout).toContain('nothing written (the last good output stays in place)');
    expect(read(path.join(w.generated, 'crm/index.ts'))).toBe(before);
    expect(readdirSync(path.join(w.generated, 'crm')).sort()).toEqual([
      'index.ts',
      'manifest.json',
      'role.schema.json',
    ]);
  });

  it('writes a set all or nothing: when one of its files cannot be written, none is, and the build exits 1', async () => {
    const w = workspace();
    // A role change, so that both files of crm change; its manifest.json cannot be replaced (a folder is in the way).
    edit(path.join(w.policies, 'crm/roles/auditor.yaml'), '  grants:\n', '  grants:\n    - campaigns:view\n');
    const before = read(path.join(w.generated, 'crm/index.ts'));
    rmSync(path.join(w.generated, 'crm/manifest.json'));
    mkdirSync(path.join(w.generated, 'crm/manifest.json/in-the-way'), { recursive: true });
    const r = await runCli(['build', w.policies, '--out', w.generated]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/error\[PC605\] cannot write .*crm\/manifest\.json: EISDIR/);
    expect(r.stdout).toMatch(/✖ crm .* not written \(EISDIR\)/);
    expect(r.stdout).toMatch(/✔ platform .*unchanged/);
    expect(r.stdout).toMatch(/Built 1 of 2 sets in \d+ ms: 3 files, [\d.]+ KiB\. 1 set failed\./);
    expect(read(path.join(w.generated, 'crm/index.ts'))).toBe(before);
    expect(readdirSync(path.join(w.generated, 'crm')).sort()).toEqual([
      'index.ts',
      'manifest.json',
      'role.schema.json',
    ]);
  });

  it('refuses to remove a numbered role without a transfer, then accepts it with one', async () => {
    const w = workspace();
    rmSync(path.join(w.policies, 'crm/roles/support-agent.yaml'));
    edit(path.join(w.policies, 'crm/assignments.yaml'), 'roles: [support-agent]', 'roles: [sales-agent]');
    const r = await runCli(['build', w.policies, '--out', w.generated]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('error[PC601] role `support-agent` was removed');
    edit(
      path.join(w.policies, 'crm/policyset.yaml'),
      'spec:\n',
      'spec:\n  retiredRoles:\n    - name: support-agent\n      transferTo: sales-agent\n',
    );
    const ok = await runCli(['build', w.policies, '--out', w.generated]);
    expect(ok.stdout).toContain('role support-agent removed, number');
    expect(ok.code).toBe(0);
    const lock = JSON.parse(read(path.join(w.policies, 'crm/policyc.lock.json')));
    expect(Object.keys(lock.roles.reserved)).toEqual(['support-agent']);
    expect(read(path.join(w.generated, 'crm/index.ts'))).toContain(
      '{ from: "support-agent", to: "sales-agent", reason: null }',
    );
  });

  it('explains a reference to a role that was removed, using the lockfile', async () => {
    const w = workspace();
    rmSync(path.join(w.policies, 'crm/roles/support-agent.yaml'));
    const r = await runCli(['build', w.policies, '--out', w.generated]);
    expect(r.code).toBe(1);
    // The fix first and once (PC601), with the assignment that still names the role, not a PC302 per user.
    expect(r.stdout).toContain(
      'error[PC601] role `support-agent` was removed, but the lockfile shows it existed: its users need a role to transfer to; it is still referenced once',
    );
    expect(r.stdout).toContain('still names `support-agent` (assigned to `ivan`)');
    expect(r.stdout).not.toContain('PC302');
  });

  it('reports a corrupt lockfile with its position and writes nothing', async () => {
    const w = workspace();
    writeFileSync(path.join(w.policies, 'crm/policyc.lock.json'), '{ "lockfileVersion": 1, ');
    const r = await runCli(['build', w.policies, '--out', w.generated]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('error[PC603] lockfile is not valid');
    expect(r.stdout).toContain('restore it from git');
  });

  it('prints JSON with files, sizes and diagnostics', async () => {
    const w = workspace();
    const r = await runCli(['build', w.policies, '--out', w.generated, '--format', 'json']);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(true);
    expect(report.sets.map((s: { name: string }) => s.name)).toEqual(['crm', 'platform']);
    expect(report.sets[0].files[0]).toEqual({
      path: expect.stringMatching(/generated\/crm\/index\.ts$/),
      bytes: expect.any(Number),
    });
  });

  it('exits 2 for a path with no policy set', async () => {
    const r = await runCli(['build', path.join(ROOT, 'schemas')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('PC902');
  });
});
