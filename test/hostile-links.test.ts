import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { analyzeSet } from '../src/analyze.js';
import { Diagnostics } from '../src/diagnostics/diagnostic.js';
import { colors, renderHuman } from '../src/diagnostics/render.js';
import { readSetFolder } from '../src/load/discover.js';
import { baseFiles, writeSet } from './support/corpus.js';

/**
 * Hostile repositories (issue 13): a symbolic link in a set's working tree must never make
 * policyc read, let alone print, a file outside the repository. Links whose real path stays
 * inside the repository keep working.
 */

let tmp: string;
/** The repository: a folder with a `.git` marker, holding the set at policies/shop. */
let repo: string;
let set: string;
const SECRET = 'api_key: sk-live-0123456789-secret\n';

beforeEach(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'policyc-links-'));
  repo = path.join(tmp, 'repo');
  mkdirSync(path.join(repo, '.git'), { recursive: true });
  set = writeSet(path.join(repo, 'policies'), baseFiles());
  writeFileSync(path.join(tmp, 'secret.yaml'), SECRET);
  mkdirSync(path.join(tmp, 'outside'));
  writeFileSync(path.join(tmp, 'outside', 'secret.yaml'), SECRET);
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

async function analyze(dir = set) {
  const a = analyzeSet(await readSetFolder(dir, new Diagnostics()));
  const printed = a.diagnostics.map((d) => renderHuman(d, a.files, colors(false))).join('\n');
  return { a, printed };
}

describe('symbolic links in a set folder', () => {
  const outside: [string, string, () => string][] = [
    ['a file linked to a secret outside the repository', 'roles/secret.yaml', () => path.join(tmp, 'secret.yaml')],
    ['a relative link climbing out of the repository', 'roles/secret.yaml', () => '../../../../secret.yaml'],
    ['a link to /etc/passwd', 'passwd.yaml', () => '/etc/passwd'],
    ['a folder linked to a folder outside the repository', 'extra', () => path.join(tmp, 'outside')],
  ];
  it.each(outside)('%s: PC108 at the link, the target is neither read nor printed', async (_name, link, target) => {
    symlinkSync(target(), path.join(set, link));
    const { a, printed } = await analyze();
    const refused = a.diagnostics.filter((d) => d.code === 'PC108');
    expect(refused).toHaveLength(1);
    expect(refused[0]!.span?.file).toMatch(new RegExp(`${link.replace('.', '\\.')}(/secret\\.yaml)?$`));
    expect(refused[0]!.message).toContain('outside the repository');
    expect(printed).not.toContain('api_key');
    expect(printed).not.toContain('root:');
    expect([...a.files.keys()].some((f) => f.includes('secret') || f.includes('passwd'))).toBe(false);
    expect(a.model).toBeUndefined();
  });

  it('a lockfile linked outside the repository is refused too', async () => {
    writeFileSync(path.join(tmp, 'policyc.lock.json'), '{"secret": "sk-live"}');
    symlinkSync(path.join(tmp, 'policyc.lock.json'), path.join(set, 'policyc.lock.json'));
    const source = await readSetFolder(set, new Diagnostics());
    expect(source.lockfile).toBeUndefined();
    expect(source.readDiagnostics?.map((d) => [d.code, d.span?.file.endsWith('policyc.lock.json')])).toEqual([
      ['PC108', true],
    ]);
  });

  it('a link that stays inside the repository (by real path) is followed', async () => {
    mkdirSync(path.join(repo, 'shared'));
    // Move a real role file out of the set into the repository's shared folder and link it back.
    const role = path.join(set, 'roles', 'viewer.yaml');
    const shared = path.join(repo, 'shared', 'viewer.yaml');
    writeFileSync(shared, readFileSync(role));
    rmSync(role);
    symlinkSync('../../../shared/viewer.yaml', role);
    const { a } = await analyze();
    expect(a.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
    expect(a.model?.roles.some((r) => r.name === 'viewer')).toBe(true);
  });

  it('a set folder that is itself a link out of the repository: every file is refused', async () => {
    const outsideSet = writeSet(path.join(tmp, 'elsewhere'), baseFiles());
    const link = path.join(repo, 'policies', 'linked');
    symlinkSync(outsideSet, link);
    const { a } = await analyze(link);
    expect(a.files.size).toBe(0);
    expect(new Set(a.diagnostics.map((d) => d.code))).toEqual(new Set(['PC108']));
    expect(a.diagnostics[0]!.message).toContain('a folder on its path is a symbolic link');
  });

  it('folders are resolved once, files that are links each time: a link out inside a followed folder, and every file under a linked-out folder, are refused', async () => {
    // Inside the repository: shared/ holds a real role and a link out; the set links shared/ in.
    mkdirSync(path.join(repo, 'shared', 'deep'), { recursive: true });
    const role = path.join(set, 'roles', 'viewer.yaml');
    writeFileSync(path.join(repo, 'shared', 'deep', 'viewer.yaml'), readFileSync(role));
    rmSync(role);
    symlinkSync(path.join(tmp, 'secret.yaml'), path.join(repo, 'shared', 'deep', 'secret.yaml'));
    symlinkSync('../../../shared', path.join(set, 'roles', 'shared'));
    // Outside: two files two folders below a linked folder.
    mkdirSync(path.join(tmp, 'outside', 'sub'));
    writeFileSync(path.join(tmp, 'outside', 'sub', 'a.yaml'), SECRET);
    writeFileSync(path.join(tmp, 'outside', 'sub', 'b.yaml'), SECRET);
    symlinkSync(path.join(tmp, 'outside'), path.join(set, 'team'));
    const { a, printed } = await analyze();
    const refused = a.diagnostics
      .filter((d) => d.code === 'PC108')
      .map((d) => path.relative(set, d.span!.file).split(path.sep).join('/'))
      .sort();
    expect(refused).toEqual([
      'roles/shared/deep/secret.yaml',
      'team/secret.yaml',
      'team/sub/a.yaml',
      'team/sub/b.yaml',
    ]);
    expect(printed).not.toContain('api_key');
    expect([...a.files.keys()].some((f) => f.endsWith('shared/deep/viewer.yaml'))).toBe(true);
  });

  it('outside a git repository, the set folder itself is the boundary', async () => {
    rmSync(path.join(repo, '.git'), { recursive: true });
    symlinkSync('../../../secret.yaml', path.join(set, 'roles', 'secret.yaml'));
    const { a, printed } = await analyze();
    expect(a.diagnostics.map((d) => d.code)).toEqual(['PC108']);
    expect(printed).not.toContain('api_key');
  });
});
