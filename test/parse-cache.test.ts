import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ParsedFiles } from '../src/cache/parse-cache.js';
import { Diagnostics } from '../src/diagnostics/diagnostic.js';
import { readSetFolder } from '../src/load/discover.js';
import type { ParsedFileSession, ParsedFileStore } from '../src/load/parsed-files.js';
import { type PipelineRun, runPipeline } from '../src/pipeline/run.js';
import { entries } from './support/cache-entries.js';
import { ROOT } from './support/sets.js';

/**
 * The parse cache (src/cache/parse-cache.ts): an unchanged file is parsed once; what the stages
 * after `parse` make of a cached file is what they make of the file; and an entry that is
 * corrupt, foreign or edited (its digest recomputed, as a forger who read the source would) is
 * never used, so it cannot change an answer.
 */

const folders: string[] = [];
afterEach(() => {
  for (const d of folders.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  folders.push(dir);
  return dir;
}

/** A copy of a shipped set, and an empty cache folder. */
function workspace(set: 'crm' | 'platform' = 'crm'): { set: string; cache: string } {
  const dir = tempDir('policyc-parse-cache-');
  cpSync(path.join(ROOT, 'policies', set), path.join(dir, set), { recursive: true });
  return { set: path.join(dir, set), cache: path.join(dir, 'cache') };
}

/** A store that counts what the cache answered and what it was asked to keep. */
function counting(store: ParsedFileStore): ParsedFileStore & { hits: string[]; kept: string[] } {
  const hits: string[] = [];
  const kept: string[] = [];
  return {
    hits,
    kept,
    open(source) {
      const inner = store.open(source);
      const session: ParsedFileSession = {
        documents(raw, file) {
          const docs = inner.documents(raw, file);
          if (docs) hits.push(raw.path);
          return docs;
        },
        keep(raw, documents) {
          kept.push(raw.path);
          inner.keep(raw, documents);
        },
        close: () => inner.close(),
      };
      return session;
    },
  };
}

async function analyse(dir: string, parsedFiles: ParsedFileStore | false): Promise<PipelineRun> {
  return runPipeline(await readSetFolder(dir, new Diagnostics()), 'allocate', { parsedFiles });
}

/** What a run answers: every finding (with its place) and the model (roles, grants, users, spans). */
function answers(run: PipelineRun) {
  return { diagnostics: run.diagnostics, model: run.model, ok: run.ok };
}

const sha256 = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');

/** An entry of the parse cache, read as a forger would: header line, then the files' JSON. */
interface ParseEntry {
  header: { format: number; key: string; digest: string };
  // biome-ignore lint/suspicious/noExplicitAny: entries are edited as loose JSON, as a forger would
  files: Record<string, any[]>;
}

function readEntry(file: string): ParseEntry {
  const text = readFileSync(file, 'utf8');
  const nl = text.indexOf('\n');
  return { header: JSON.parse(text.slice(0, nl)), files: JSON.parse(text.slice(nl + 1)) };
}

/** Writes an entry back, with its digest recomputed (`sign`) or as it was. */
function writeEntry(file: string, entry: ParseEntry, sign: boolean): void {
  const body = JSON.stringify(entry.files);
  if (sign) entry.header.digest = sha256(body);
  writeFileSync(file, `${JSON.stringify(entry.header)}\n${body}`);
}

/** Edits the records of the file with these bytes in every entry, re-signing them. */
// biome-ignore lint/suspicious/noExplicitAny: records are edited as loose JSON
function forge(cache: string, fileText: string, edit: (records: any[]) => void, sign = true): void {
  const hash = sha256(Buffer.from(fileText));
  let found = false;
  for (const f of entries(cache)) {
    const entry = readEntry(path.join(cache, f));
    if (!entry.files[hash]) continue;
    edit(entry.files[hash]);
    writeEntry(path.join(cache, f), entry, sign);
    found = true;
  }
  expect(found, 'the file is in the cache').toBe(true);
}

describe('the parse cache', () => {
  it('parses an unchanged file once; the second run answers exactly as a run without the cache', async () => {
    const w = workspace();
    const plain = await analyse(w.set, false);
    expect(plain.ok).toBe(true);
    const first = counting(new ParsedFiles(w.cache));
    const run1 = await analyse(w.set, first);
    const files = (await readSetFolder(w.set, new Diagnostics())).files.map((f) => f.path);
    expect(first.hits).toEqual([]);
    expect(first.kept).toEqual(files);
    const second = counting(new ParsedFiles(w.cache));
    const run2 = await analyse(w.set, second);
    expect(second.hits).toEqual(files);
    expect(second.kept).toEqual([]);
    expect(answers(run1)).toEqual(answers(plain));
    expect(answers(run2)).toEqual(answers(plain));
    expect(entries(w.cache)).toHaveLength(1);
  });

  it('parses an edited file again, and only that one', async () => {
    const w = workspace();
    await analyse(w.set, new ParsedFiles(w.cache));
    const role = path.join(w.set, 'roles', 'auditor.yaml');
    writeFileSync(role, readFileSync(role, 'utf8').replace('    - sms:view\n', '    - sms:view\n    - sms:send\n'));
    const store = counting(new ParsedFiles(w.cache));
    const run = await analyse(w.set, store);
    expect(store.kept.map((p) => path.basename(p))).toEqual(['auditor.yaml']);
    expect(store.hits).toHaveLength((await readSetFolder(w.set, new Diagnostics())).files.length - 1);
    expect(answers(run)).toEqual(answers(await analyse(w.set, false)));
  });

  it('keeps no file with a finding while parsing; later findings in a cached file have the same places and frames', async () => {
    const w = workspace();
    // A schema error (found after parsing: the file is kept) and a duplicate key (a parse error: never kept).
    const role = path.join(w.set, 'roles', 'auditor.yaml');
    writeFileSync(role, readFileSync(role, 'utf8').replace('  title: Auditor\n', '  title: Auditor\n  colour: red\n'));
    const broken = path.join(w.set, 'roles', 'user.yaml');
    writeFileSync(broken, `${readFileSync(broken, 'utf8')}\nspec: {}\n`);
    const store = counting(new ParsedFiles(w.cache));
    const first = await analyse(w.set, store);
    expect(store.kept.map((p) => path.basename(p))).toContain('auditor.yaml');
    expect(store.kept.map((p) => path.basename(p))).not.toContain('user.yaml');
    expect(first.diagnostics.map((d) => d.code)).toContain('PC102');
    // The duplicate key stops the run at `parse`; without it the schema error shows, from the cached file.
    writeFileSync(broken, readFileSync(path.join(ROOT, 'policies', 'crm', 'roles', 'user.yaml')));
    const again = counting(new ParsedFiles(w.cache));
    const run = await analyse(w.set, again);
    expect(again.hits.map((p) => path.basename(p))).toContain('auditor.yaml');
    const schema = run.diagnostics.find((d) => d.span?.file.endsWith('auditor.yaml'));
    expect(schema?.span?.line).toBe(8);
    expect(answers(run)).toEqual(answers(await analyse(w.set, false)));
  });

  it('stores nothing and reads nothing through a symlinked cache folder', async () => {
    const w = workspace();
    const elsewhere = tempDir('policyc-parse-cache-target-');
    symlinkSync(elsewhere, w.cache);
    const store = counting(new ParsedFiles(w.cache));
    await analyse(w.set, store);
    await analyse(w.set, store);
    expect(store.hits).toEqual([]);
    expect(entries(elsewhere)).toEqual([]);
  });
});

/** The auditor role's file, and the record of its one document, as the cache holds them. */
const AUDITOR = path.join('roles', 'auditor.yaml');

describe('an entry the cache cannot trust is ignored: the answers are those of the files', () => {
  const spoilers: [string, (cache: string, set: string) => void][] = [
    ['garbage', (c) => entries(c).forEach((f) => writeFileSync(path.join(c, f), '\u0000\u00ff garbage {'))],
    [
      'truncated',
      (c) =>
        entries(c).forEach((f) => {
          const text = readFileSync(path.join(c, f), 'utf8');
          writeFileSync(path.join(c, f), text.slice(0, text.length >> 1));
        }),
    ],
    ['empty', (c) => entries(c).forEach((f) => writeFileSync(path.join(c, f), ''))],
    ['the header alone', (c) => entries(c).forEach((f) => writeFileSync(path.join(c, f), readEntryHeader(c, f)))],
    [
      'of another policyc or yaml version (another key), re-signed',
      (c) =>
        entries(c).forEach((f) => {
          const e = readEntry(path.join(c, f));
          e.header.key = sha256('policyc 9.9.9');
          writeEntry(path.join(c, f), e, true);
        }),
    ],
    [
      'of another layout, re-signed',
      (c) =>
        entries(c).forEach((f) => {
          const e = readEntry(path.join(c, f));
          e.header.format = 999;
          writeEntry(path.join(c, f), e, true);
        }),
    ],
    [
      'edited to grant more, digest not recomputed',
      (c, s) =>
        forge(
          c,
          readFileSync(path.join(s, AUDITOR), 'utf8'),
          (r) => {
            r[0].value.spec.grants.push('*');
          },
          false,
        ),
    ],
    [
      'a grant replaced by `*`, re-signed (the text at its place says otherwise)',
      (c, s) =>
        forge(c, readFileSync(path.join(s, AUDITOR), 'utf8'), (r) => {
          const grants: unknown[] = r[0].value.spec.grants;
          grants[grants.indexOf('emails:view')] = '*';
        }),
    ],
    [
      'a grant added that points at the text of another, re-signed (out of order)',
      (c, s) =>
        forge(c, readFileSync(path.join(s, AUDITOR), 'utf8'), (r) => {
          const grants: unknown[] = r[0].value.spec.grants;
          const i = grants.indexOf('emails:view');
          grants.push('emails:view');
          const list = listPositions(r[0], grants);
          list.at.push(...list.at.slice(i * 3, i * 3 + 3));
        }),
    ],
    [
      'a grant added that points at a comment, re-signed',
      (c, s) => {
        const file = path.join(s, AUDITOR);
        const text = readFileSync(file, 'utf8');
        expect(text).toContain('# - users:delete');
        forge(c, text, (r) => {
          const grants: unknown[] = r[0].value.spec.grants;
          grants.push('users:delete');
          const start = text.indexOf('users:delete');
          listPositions(r[0], grants).at.push(start, start + 'users:delete'.length, 0);
        });
      },
    ],
    [
      'a grant deleted, re-signed (its text is still between the others)',
      (c, s) =>
        forge(c, readFileSync(path.join(s, AUDITOR), 'utf8'), (r) => {
          const grants: unknown[] = r[0].value.spec.grants;
          const i = grants.indexOf('emails:view');
          const list = listPositions(r[0], grants);
          grants.splice(i, 1);
          list.at.splice(i * 3, 3);
        }),
    ],
    [
      'the document replaced by null, re-signed',
      (c, s) => forge(c, readFileSync(path.join(s, AUDITOR), 'utf8'), (r) => r.splice(0, 1, { ...r[0], value: null })),
    ],
    [
      'a prototype key injected, re-signed',
      (c, s) =>
        forge(c, readFileSync(path.join(s, AUDITOR), 'utf8'), (r) => {
          const spec = r[0].value.spec;
          Object.defineProperty(spec, '__proto__', { value: { grants: ['*'] }, enumerable: true, writable: true });
          listPositionsOf(r[0], spec).names.push('__proto__');
          listPositionsOf(r[0], spec).at.push(0, 1, 0, 1, 1);
        }),
    ],
    [
      'nested 100,000 deep, re-signed',
      (c, s) => {
        forge(c, readFileSync(path.join(s, AUDITOR), 'utf8'), (r) => r[0].value.spec.grants.push('__deep__'));
        // Written as text: JSON.stringify cannot nest that deep.
        for (const f of entries(c)) {
          const text = readFileSync(path.join(c, f), 'utf8');
          const nl = text.indexOf('\n');
          const body = text.slice(nl + 1).replace('"__deep__"', `${'['.repeat(100_000)}"x"${']'.repeat(100_000)}`);
          const header = { ...JSON.parse(text.slice(0, nl)), digest: sha256(body) };
          writeFileSync(path.join(c, f), `${JSON.stringify(header)}\n${body}`);
        }
      },
    ],
    [
      'a directory where the entry should be',
      (c) =>
        entries(c).forEach((f) => {
          rmSync(path.join(c, f));
          mkdirSync(path.join(c, f));
        }),
    ],
    [
      'a symlink to another file where the entry should be',
      (c) =>
        entries(c).forEach((f) => {
          const target = path.join(c, `${f}.target`);
          cpSync(path.join(c, f), target);
          rmSync(path.join(c, f));
          symlinkSync(target, path.join(c, f));
        }),
    ],
  ];

  it.each(spoilers)('%s', async (_, spoil) => {
    const w = workspace();
    // A comment that reads like a grant: text a forged record could point at.
    const auditor = path.join(w.set, AUDITOR);
    writeFileSync(
      auditor,
      readFileSync(auditor, 'utf8').replace(
        '    - sms:view\n',
        '    - sms:view\n    # - users:delete (not granted: the role is read-only)\n',
      ),
    );
    const truth = answers(await analyse(w.set, false));
    await analyse(w.set, new ParsedFiles(w.cache));
    spoil(w.cache, w.set);
    const store = counting(new ParsedFiles(w.cache));
    expect(answers(await analyse(w.set, store))).toEqual(truth);
    expect(store.hits.map((p) => path.basename(p))).not.toContain('auditor.yaml');
    // The cache heals: the next run finds the files again.
    const after = counting(new ParsedFiles(w.cache));
    expect(answers(await analyse(w.set, after))).toEqual(truth);
  });
});

function readEntryHeader(cache: string, f: string): string {
  const text = readFileSync(path.join(cache, f), 'utf8');
  return text.slice(0, text.indexOf('\n') + 1);
}

/** The positions record of a list inside a document record: the one walked just before its items. */
// biome-ignore lint/suspicious/noExplicitAny: records are edited as loose JSON
function listPositions(record: any, list: unknown[]): { at: number[] } {
  return listPositionsOf(record, list);
}

/** The positions record of a mapping or list inside a document record, in depth-first order. */
// biome-ignore lint/suspicious/noExplicitAny: records are edited as loose JSON
function listPositionsOf(record: any, list: object): { names: string[]; at: number[] } {
  // Depth-first order, as documentRecord writes it: find the list's index in that order.
  let index = 0;
  let found = -1;
  const walk = (v: unknown): void => {
    if (typeof v !== 'object' || v === null) return;
    if (v === list) found = index;
    const names: string[] | undefined = record.positions[index]?.names;
    index++;
    if (Array.isArray(v)) v.forEach(walk);
    else for (const n of names ?? []) walk((v as Record<string, unknown>)[n]);
  };
  walk(record.value);
  expect(found).toBeGreaterThanOrEqual(0);
  return record.positions[found];
}
