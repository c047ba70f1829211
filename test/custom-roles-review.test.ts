import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Io } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';
import { jsonErrorOffset } from '../src/review/json-error.js';
import { ROOT } from './support/sets.js';

/**
 * Review of run-time roles (issue 18): `diff` and `explain` read stored definitions
 * (`--custom-roles`), install them on each version of their set through the set's own
 * defineRole, and say what each gains and loses. The fixture is the `lifecycle` set: v1 (the
 * roles supervisor and agent, the permissions tickets:edit and tickets:archive) and v2
 * (supervisor renamed lead, agent retired into member, tickets:edit renamed tickets:update,
 * tickets:archive gone, tickets:close new).
 */
let dir: string;
/** The example of the README: the two versions and stored definitions, committed. */
const EXAMPLE = path.join(ROOT, 'docs/examples/review');

async function policyc(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return policycIn(dir, ...argv);
}

async function policycIn(cwd: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    cwd,
    env: {},
  };
  const code = await main([...argv, '--no-color'], io);
  return { code, stdout, stderr };
}

beforeAll(() => {
  // A scratch copy of the example, for the tests that write bad files beside it.
  dir = mkdtempSync(path.join(tmpdir(), 'policyc-custom-'));
  cpSync(EXAMPLE, dir, { recursive: true });
});

describe('policyc diff --custom-roles', () => {
  it('says per run-time role what it gains and loses on the upgrade, wildcards and inheritance explained, with the warnings', async () => {
    const r = await policycIn(EXAMPLE, 'diff', 'v1', 'v2', '--custom-roles', 'custom-roles');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const section = r.stdout.slice(r.stdout.indexOf('Run-time roles'));
    // README.md shows this run (docs/examples/review).
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(
      `$ cd docs/examples/review && npx policyc diff v1 v2 --custom-roles custom-roles\n[…]\n${section}`,
    );
    expect(section).toBe(`Run-time roles from custom-roles: 3 definitions
  lifecycle 1.0.0 → 2.0.0
    ~ acme/triage (Triage): gains 1, loses 1  custom-roles/acme.json:4
        + \`tickets:close\` gained — via \`tickets:close\`, inherited from \`lead\`
        - \`tickets:archive\` lost — was via \`tickets:archive\`
        ! /inherits/0: role \`agent\` was retired; its users and heirs transfer to \`member\` (custom-roles/acme.json:4)
        ! /inherits/1: role \`supervisor\` was renamed to \`lead\` (custom-roles/acme.json:4)
        ! /grants/0: permission \`tickets:edit\` was renamed to \`tickets:update\` (custom-roles/acme.json:4)
        ! /grants/1: permission \`tickets:archive\` no longer exists in this version of the catalog; the grant gives nothing and is left out (custom-roles/acme.json:4)
    ~ acme/all-tickets (All tickets): gains 1, loses 1  custom-roles/acme.json:5
        + \`tickets:close\` gained — via \`"tickets:*"\`
        - \`tickets:archive\` lost — was via \`"tickets:*"\`
    ✔ globex/triage (Triage): no change  custom-roles/globex.json:1
`);
  });

  it('JSON: the same facts, with each warning at its line and column', async () => {
    const r = await policyc('diff', './v1', './v2', '--custom-roles', 'custom-roles', '--format', 'json');
    const json = JSON.parse(r.stdout) as {
      customRoles: {
        definitions: number;
        rejected: number;
        sets: {
          set: string;
          roles: {
            role: string;
            status: string;
            access: { permissions: { permission: string; change: string; via: { wildcard: string | null } }[] };
            warnings: { path: string; line: number; column: number }[];
          }[];
        }[];
      };
    };
    const { customRoles } = json;
    expect(customRoles.definitions).toBe(3);
    expect(customRoles.rejected).toBe(0);
    const all = customRoles.sets[0]!.roles.find((x) => x.role === 'acme/all-tickets')!;
    expect(all.access.permissions.map((p) => [p.permission, p.change, p.via.wildcard])).toEqual([
      ['tickets:close', 'gained', 'resource'],
      ['tickets:archive', 'lost', 'resource'],
    ]);
    const triage = customRoles.sets[0]!.roles.find((x) => x.role === 'acme/triage')!;
    expect(triage.warnings.find((w) => w.path === '/grants/1')).toMatchObject({ line: 4, column: 106 });
  });

  it('markdown: a section for the pull-request comment', async () => {
    const r = await policyc('diff', './v1', './v2', '--custom-roles', 'custom-roles', '--format', 'markdown');
    expect(r.stdout).toContain('### Run-time roles');
    expect(r.stdout).toContain('- `acme/all-tickets` (All tickets): gains 1, loses 1');
  });

  it('a definition the new version rejects is one the application could not load: PC702 at its place, exit 1', async () => {
    writeFileSync(
      path.join(dir, 'rejected.json'),
      '[\n  { "id": "typo", "title": "Typo", "grants": ["tickets:veiw"] }\n]\n',
    );
    const r = await policyc('diff', './v1', './v2', '--custom-roles', 'rejected.json');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'error[PC702] run-time role `typo` is rejected by lifecycle 2.0.0 at ./v2: /grants/0: unknown permission `tickets:veiw`',
    );
    expect(r.stderr).toContain('--> rejected.json:2:47');
    expect(r.stderr).toContain('hint: did you mean `tickets:view`?');
    expect(r.stdout).toContain('✖ typo (Typo): rejected by HEAD: the application could not load it');
  });
});

describe('reading stored definitions: positioned errors, never a stack trace, never outside the repository', () => {
  const cases: [string, string, string][] = [
    ['trailing comma', '{ "id": "x", "title": "X",\n  "grants": ["tickets:view",]\n}\n', 'bad.json:2:29'],
    ['cut short', '{"id": "x", "title": "X", "grants": ["a"', 'bad.json:1:41'],
    ['a key twice', '{"id": "x", "id": "y", "title": "X", "grants": []}', 'bad.json:1:13'],
    ['not a definition', '"night-shift"', 'bad.json:1:1'],
    ['unknown wrapper field', '{ "roles": [], "tenant": "acme" }', 'bad.json:1:26'],
    ['roles not a list', '{ "roles": {} }', 'bad.json:1:12'],
  ];
  for (const [name, text, at] of cases) {
    it(name, async () => {
      writeFileSync(path.join(dir, 'bad.json'), text);
      const r = await policyc('explain', 'member', 'tickets:view', '--path', 'v2', '--custom-roles', 'bad.json');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error\[PC701\] /);
      expect(r.stderr).toContain(`--> ${at}`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
    });
  }

  it('a file in the folder that links outside the repository is refused and not read; a path outside is a usage error', async () => {
    mkdirSync(path.join(dir, 'linked'));
    const outside = mkdtempSync(path.join(tmpdir(), 'policyc-outside-'));
    writeFileSync(path.join(outside, 'secret.json'), '{ "id": "s", "title": "SECRET-TEXT", "grants": [] }');
    symlinkSync(path.join(outside, 'secret.json'), path.join(dir, 'linked/secret.json'));
    const r = await policyc('diff', './v1', './v2', '--custom-roles', 'linked');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[PC701] refused to read file: it is a symbolic link to');
    expect(r.stdout + r.stderr).not.toContain('SECRET-TEXT');
    const out = await policyc('diff', './v1', './v2', '--custom-roles', path.join(outside, 'secret.json'));
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('error[PC901] --custom-roles: refused to read');
    const missing = await policyc('diff', './v1', './v2', '--custom-roles', 'nowhere.json');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file or folder: nowhere.json');
  });

  it('definitions that name no set, with several sets: a usage error saying how to name the set', async () => {
    const r = await policyc(
      'explain',
      'user',
      'records:view',
      '--path',
      path.join(ROOT, 'policies'),
      '--custom-roles',
      'custom-roles',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('has definitions that name no set, and there are 2 sets (crm, platform)');
    expect(r.stderr).toContain('pick one with --set');
  });

  it('jsonErrorOffset agrees with JSON.parse on what is JSON', () => {
    for (const text of ['{}', '[1, -2.5e3, "a\\u00e9", true, false, null]', ' {"a": {"b": []}} ', '"x"']) {
      expect(jsonErrorOffset(text)).toBeUndefined();
      expect(() => JSON.parse(text)).not.toThrow();
    }
    for (const text of ['{', '[1,]', '{"a" 1}', '01', '"\\x"', 'tru', '[1] 2', '{"a":1,}', '-', '"a\nb"']) {
      expect(jsonErrorOffset(text), text).toBeTypeOf('number');
      expect(() => JSON.parse(text)).toThrow();
    }
  });
});

describe('policyc explain --custom-roles', () => {
  it('explains a run-time role like a compiled one: which grant, through which inherited role', async () => {
    const r = await policyc(
      'explain',
      'acme/triage',
      'tickets:close',
      '--path',
      'v2',
      '--custom-roles',
      'custom-roles',
    );
    expect(r.code).toBe(0);
    // (The set's file is shown as explain shows it, relative to the process's directory.)
    expect(r.stdout.replace(/\S*(v2\/lifecycle)/, '$1')).toBe(
      [
        '✔ yes: role acme/triage (Triage) can tickets:close (Close tickets)  [lifecycle]',
        '  because:',
        '    acme/triage → lead grants tickets:close  v2/lifecycle/set.yaml:31',
        '',
      ].join('\n'),
    );
    // Loading it under v2 changed it: each change is a PC703 warning at its place.
    expect(r.stderr).toContain(
      'warning[PC703] run-time role `acme/triage` on lifecycle 2.0.0: /grants/1: permission `tickets:archive` no longer exists',
    );
    const no = await policyc(
      'explain',
      'globex/triage',
      'tickets:update',
      '--path',
      'v2',
      '--custom-roles',
      'custom-roles',
    );
    expect(no.code).toBe(1);
    expect(no.stdout).toContain('roles that have it: lead, acme/triage, acme/all-tickets');
    // Read, never rewritten.
    expect(readFileSync(path.join(dir, 'custom-roles/acme.json'), 'utf8')).toBe(
      readFileSync(path.join(EXAMPLE, 'custom-roles/acme.json'), 'utf8'),
    );
  });
});
