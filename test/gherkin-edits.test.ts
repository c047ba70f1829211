import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../src/diagnostics/diagnostic.js';
import { applyEdits } from '../src/gherkin/edits.js';
import { readSetFolder } from '../src/load/discover.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('applyEdits (the scenario variants of a set)', () => {
  it('rewrites only the files an edit touches, and leaves the shipped set as it was for the next variant', async () => {
    const shipped = await readSetFolder('policies/crm', new Diagnostics());
    const before = shipped.files.map((f) => text(f.bytes));
    const retitled = applyEdits(shipped, [{ kind: 'retitle-role', role: 'auditor', title: 'Inspector' }]);
    const changed = retitled.files.filter((f, i) => f.bytes !== shipped.files[i]?.bytes);
    expect(changed.map((f) => f.path.replace(/.*policies\//, ''))).toEqual(['crm/roles/auditor.yaml']);
    expect(text(changed[0]!.bytes)).toContain('title: Inspector');

    // A second variant from the same shipped set does not see the first one's change.
    const regranted = applyEdits(shipped, [
      { kind: 'grant', role: 'auditor', permission: 'users:view', level: 'all' },
      { kind: 'assign', user: 'alice', roles: ['auditor'], mode: 'replace' },
    ]);
    const auditor = regranted.files.find((f) => f.path.endsWith('roles/auditor.yaml'))!;
    expect(text(auditor.bytes)).not.toContain('Inspector');
    expect(text(auditor.bytes)).toContain('users:view: all');
    const assignments = regranted.files.find((f) => f.path.endsWith('assignments.yaml'))!;
    expect(text(assignments.bytes)).toMatch(/alice[\s\S]*roles: \[ auditor \]/);
    expect(shipped.files.map((f) => text(f.bytes))).toEqual(before);
    expect(applyEdits(shipped, [{ kind: 'retitle-role', role: 'auditor', title: 'Inspector' }])).toEqual(retitled);
  });

  it('finds a role whose key is written with escapes (a file without the key in its text is looked into last)', async () => {
    const shipped = await readSetFolder('policies/crm', new Diagnostics());
    const encoder = new TextEncoder();
    const escaped = {
      ...shipped,
      files: shipped.files.map((f) =>
        f.path.endsWith('roles/auditor.yaml')
          ? { ...f, bytes: encoder.encode(text(f.bytes).replace(/name: auditor\b/, 'name: "aud\\x69tor"')) }
          : f,
      ),
    };
    const file = escaped.files.find((f) => f.path.endsWith('roles/auditor.yaml'))!;
    expect(text(file.bytes)).not.toContain('auditor\n');
    const retitled = applyEdits(escaped, [{ kind: 'retitle-role', role: 'auditor', title: 'Inspector' }]);
    expect(text(retitled.files.find((f) => f.path.endsWith('roles/auditor.yaml'))!.bytes)).toContain(
      'title: Inspector',
    );
    // The files no edit touched are the shipped ones, byte for byte.
    expect(retitled.files.filter((f) => !f.path.endsWith('roles/auditor.yaml'))).toEqual(
      escaped.files.filter((f) => !f.path.endsWith('roles/auditor.yaml')),
    );
  });
});
