import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Io } from '../src/cli/io.js';
import { runBuild } from '../src/cli/commands/build.js';
import { runCli, tempWorkspace } from './support/cli.js';

/**
 * Hostile conditions (issue 13): `policyc build` killed at any moment. The writer renames a
 * set's files one at a time; the test stops it before each rename in turn, copies the disk as a
 * kill would leave it, and checks on that copy that
 *  1. the lockfile records every number a generated file uses (the lockfile is renamed first);
 *  2. `check` and `build --check` report a module and a manifest of different builds (PC606),
 *     saying that `policyc build` repairs it, and report nothing of the kind otherwise;
 *  3. the next `policyc build` removes the temporary files the kill left, and its output passes
 *     `build --check` and `check`.
 */

const NEW_ROLE = `apiVersion: policyc/v1
kind: Role
metadata:
  name: night-auditor
spec:
  title: Night Auditor
  description: Reads audit logs at night.
  grants:
    - audit-logs:view: all
`;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const quiet: Io = {
  stdout: { write: () => true, isTTY: false },
  stderr: { write: () => true, isTTY: false },
  cwd: process.cwd(),
  env: {},
};
const HASH = /sha256:[0-9a-f]{64}/;

/** The files of the crm set's output and lockfile, below a workspace. */
function state(root: string) {
  const read = (p: string) => readFileSync(path.join(root, p), 'utf8');
  const manifest = JSON.parse(read('generated/crm/manifest.json')) as {
    set: { hash: string };
    roles: { id: string; no: number }[];
  };
  return {
    lock: read('policies/crm/policyc.lock.json'),
    moduleHash: HASH.exec(read('generated/crm/index.ts'))![0],
    manifestHash: manifest.set.hash,
    schemaHash: createHash('sha256').update(read('generated/crm/role.schema.json')).digest('hex'),
    temporaries: [
      ...readdirSync(path.join(root, 'generated/crm')),
      ...readdirSync(path.join(root, 'policies/crm')),
    ].filter((f) => f.startsWith('.policyc-tmp-')),
  };
}

/** A workspace with a new role in crm: the build changes the lockfile, the module and the manifest. */
function changedWorkspace() {
  const w = tempWorkspace();
  dirs.push(w.dir);
  writeFileSync(path.join(w.policies, 'crm/roles/night-auditor.yaml'), NEW_ROLE);
  return w;
}

/** Builds `w` and stops before rename `n` (0-based), returning a copy of the disk at that moment; undefined when the build made fewer renames. */
async function killedAt(n: number): Promise<string | undefined> {
  const w = changedWorkspace();
  const copy = mkdtempSync(path.join(tmpdir(), 'policyc-killed-'));
  dirs.push(copy);
  let calls = 0;
  let killed = false;
  await runBuild(quiet, {
    path: path.join(w.policies, 'crm'),
    out: w.generated,
    check: false,
    locked: false,
    format: 'human',
    color: false,
    rename: (from, to) => {
      if (calls++ === n) {
        cpSync(w.dir, copy, { recursive: true });
        killed = true;
        throw Object.assign(new Error('killed'), { code: 'SIGKILL' });
      }
      renameSync(from, to);
    },
  });
  return killed ? copy : undefined;
}

describe('a build killed before each rename', () => {
  it('leaves a safe, detected and repairable state at every point', async () => {
    const done = changedWorkspace();
    expect((await runCli(['build', path.join(done.policies, 'crm'), '--out', done.generated])).code).toBe(0);
    const final = state(done.dir);
    const pristine = tempWorkspace();
    dirs.push(pristine.dir);
    const original = state(pristine.dir);

    const seen: string[] = [];
    for (let n = 0; ; n++) {
      const copy = await killedAt(n);
      if (!copy) break;
      const s = state(copy);
      const moduleNew = s.moduleHash === final.moduleHash;
      const manifestNew = s.manifestHash === final.manifestHash;
      const schemaNew = s.schemaHash === final.schemaHash;
      seen.push(
        `${s.lock === final.lock ? 'lock new' : 'lock old'}, module ${moduleNew ? 'new' : 'old'}, manifest ${manifestNew ? 'new' : 'old'}, schema ${schemaNew ? 'new' : 'old'}`,
      );

      // 1. No generated file is newer than the lockfile.
      if (moduleNew || manifestNew) expect(s.lock, `kill before rename ${n}`).toBe(final.lock);
      expect([final.moduleHash, original.moduleHash]).toContain(s.moduleHash);
      expect(s.temporaries.length, 'a kill leaves temporary files').toBeGreaterThan(0);

      // 2. check and build --check see a mix, and say how to repair it.
      const gen = path.join(copy, 'generated');
      const set = path.join(copy, 'policies/crm');
      const check = await runCli(['check', set, '--out', gen]);
      const stale = await runCli(['build', set, '--check', '--out', gen]);
      // The manifest records the hash of its build's role.schema.json, so an old schema beside it is a mix too.
      if (moduleNew !== manifestNew || (manifestNew && !schemaNew)) {
        for (const r of [check, stale]) {
          expect(r.code).toBe(1);
          expect(r.stdout).toContain('error[PC606]');
          expect(r.stdout).toContain('mixes two builds');
          expect(r.stdout).toContain('run `policyc build`');
        }
      } else {
        expect(check.stdout).not.toContain('PC606');
        expect(stale.stdout).not.toContain('PC606');
      }

      // 3. The next build cleans up and repairs.
      expect((await runCli(['build', set, '--out', gen])).code).toBe(0);
      const repaired = state(copy);
      expect(repaired.temporaries).toEqual([]);
      expect(repaired).toMatchObject({
        lock: final.lock,
        moduleHash: final.moduleHash,
        manifestHash: final.manifestHash,
        schemaHash: final.schemaHash,
      });
      expect((await runCli(['build', set, '--check', '--out', gen])).code).toBe(0);
      expect((await runCli(['check', set, '--out', gen])).code).toBe(0);
    }
    // The last kill point: module and manifest renamed, role.schema.json (issue 18) not yet (PC606: the manifest records its hash).
    expect(seen).toEqual([
      'lock old, module old, manifest old, schema old',
      'lock new, module old, manifest old, schema old',
      'lock new, module new, manifest old, schema old',
      'lock new, module new, manifest new, schema old',
    ]);
  });

  it('a lockfile restored on its own beside newer output: PC606 names the number it lacks', async () => {
    const w = changedWorkspace();
    const lock = readFileSync(path.join(w.policies, 'crm/policyc.lock.json'));
    expect((await runCli(['build', path.join(w.policies, 'crm'), '--out', w.generated])).code).toBe(0);
    writeFileSync(path.join(w.policies, 'crm/policyc.lock.json'), lock);
    const r = await runCli(['check', path.join(w.policies, 'crm'), '--out', w.generated]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('does not match the lockfile: role `night-auditor` is number');
    expect(r.stdout).toContain('but the lockfile does not record it');
  });
});
