import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startWatch, type WatchEvent, type WatchHandle } from '../src/watch.js';
import { runCli, tempWorkspace } from './support/cli.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

/** Starts a watch on a fresh copy of the policies and collects its events. */
async function watching() {
  const w = tempWorkspace();
  const events: WatchEvent[] = [];
  const waiters: { test: (e: WatchEvent) => boolean; resolve: (e: WatchEvent) => void }[] = [];
  const handle: WatchHandle = startWatch({
    path: w.policies,
    out: w.generated,
    debounceMs: 20,
    onEvent: (e) => {
      events.push(e);
      for (const waiter of [...waiters]) {
        if (waiter.test(e)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(e);
        }
      }
    },
  });
  cleanup.push(async () => {
    await handle.close();
    rmSync(w.dir, { recursive: true, force: true });
  });
  await handle.ready;
  const next = (test: (e: WatchEvent) => boolean) =>
    new Promise<WatchEvent>((resolve, reject) => {
      waiters.push({ test, resolve });
      setTimeout(
        () => reject(new Error(`no matching watch event; got ${events.map((e) => `${e.set}:${e.kind}`).join(', ')}`)),
        15_000,
      );
    });
  return { w, events, next };
}

describe('policyc watch', () => {
  it('builds every set at start, rebuilds the changed set, survives errors and keeps the last good output', async () => {
    const { w, events, next } = await watching();
    expect(events.filter((e) => e.initial).map((e) => `${e.set}:${e.kind}`)).toEqual(['crm:built', 'platform:built']);

    const role = path.join(w.policies, 'crm/roles/auditor.yaml');
    const original = readFileSync(role, 'utf8');
    const generated = path.join(w.generated, 'crm/index.ts');
    const good = readFileSync(generated, 'utf8');

    let pending = next((e) => e.set === 'crm' && !e.initial);
    writeFileSync(role, original.replace('  grants:\n', '  grants:\n    - campaigns:veiw\n'));
    const failed = await pending;
    expect(failed.kind).toBe('failed');
    expect(failed.diagnostics.map((d) => d.code)).toEqual(['PC301']);
    expect(readFileSync(generated, 'utf8')).toBe(good);

    pending = next((e) => e.set === 'crm' && e.kind === 'built' && !e.initial);
    writeFileSync(role, original.replace('  grants:\n', '  grants:\n    - campaigns:view\n'));
    const rebuilt = await pending;
    // A grant changed: the module and manifest; role.schema.json names the same ids, so it is not rewritten.
    expect(rebuilt.written.map((f) => path.basename(f)).sort()).toEqual(['index.ts', 'manifest.json']);
    expect(readFileSync(generated, 'utf8')).not.toBe(good);
    // Only the changed set was rebuilt.
    expect(events.filter((e) => e.set === 'platform' && !e.initial)).toEqual([]);
  });

  it("ends up building the last write even when two writes come within the file watcher's throttle", async () => {
    const { w, next } = await watching();
    const role = path.join(w.policies, 'crm/roles/auditor.yaml');
    const original = readFileSync(role, 'utf8');
    const pending = next((e) => e.set === 'crm' && e.kind === 'built' && !e.initial);
    writeFileSync(role, original.replace('  grants:\n', '  grants:\n    - campaigns:veiw\n'));
    await new Promise((r) => setTimeout(r, 15));
    writeFileSync(role, original.replace('  grants:\n', '  grants:\n    - campaigns:view\n'));
    const built = await pending;
    expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(built.compilation!.model!.roleIndex.get('auditor')!.effective.has('campaigns:view')).toBe(true);
  });

  it('never burns a number: a role created and deleted under watch leaves the lockfile as it was, and check stays clean', async () => {
    const { w, next } = await watching();
    const lockPath = path.join(w.policies, 'crm/policyc.lock.json');
    const lock = readFileSync(lockPath, 'utf8');
    const guest = path.join(w.policies, 'crm/roles/guest.yaml');

    let pending = next((e) => e.set === 'crm' && e.kind === 'built' && !e.initial);
    writeFileSync(
      guest,
      'apiVersion: policyc/v1\nkind: Role\nmetadata:\n  name: guest\nspec:\n  title: Guest\n  description: Looks around.\n  grants:\n    - campaigns:view\n',
    );
    const created = await pending;
    // The generated module knows the role (numbered in memory), the lockfile does not.
    expect(created.compilation!.model!.roleIndex.has('guest')).toBe(true);
    expect(readFileSync(path.join(w.generated, 'crm/index.ts'), 'utf8')).toContain('"guest"');
    expect(created.lockfilePending).toEqual(['role guest gets number 9']);
    expect(readFileSync(lockPath, 'utf8')).toBe(lock);
    // CI's `build --check --locked` catches a lockfile that was not updated.
    const locked = await runCli(['build', w.policies, '--out', w.generated, '--check', '--locked']);
    expect(locked.code).toBe(1);
    expect(locked.stdout).toContain('PC602');

    pending = next((e) => e.set === 'crm' && e.kind === 'built' && !e.initial);
    rmSync(guest);
    const deleted = await pending;
    expect(deleted.diagnostics).toEqual([]);
    expect(deleted.lockfilePending).toEqual([]);
    expect(readFileSync(lockPath, 'utf8')).toBe(lock);
    const check = await runCli(['check', w.policies]);
    expect(check.code).toBe(0);
    expect(check.stdout).not.toContain('PC601');
  });
});
