import type { Node } from 'yaml';
import type { Diagnostics } from '../diagnostics/diagnostic.js';
import { fileSpan, LineIndex, type Span } from '../diagnostics/span.js';
import type { RawFile, SourceFile } from '../load/source.js';
import { isMap, isScalar, parseDocument } from '../load/yaml-lib.js';
import { LOCKFILE_VERSION, type Lockfile, type NumberTable } from './lockfile.js';

/**
 * Reading a committed lockfile, which a pull request can tamper with: every problem is a
 * positioned PC603, never an exception, and no content can make the compiler allocate more
 * than the lockfile's own size warrants (numbers are bounded by the keys it records).
 */

/** Lockfiles larger than this are refused: 8 MiB holds several hundred thousand keys. */
const MAX_LOCKFILE_BYTES = 8 * 1024 * 1024;

/**
 * `next` may exceed the number of keys a table ever numbered by this much (times the count,
 * plus a constant): a hand-merged lockfile may leave gaps, but a number far past the set's size
 * can only be tampering, and it would size every bit plane of the generated module.
 */
const NEXT_SLACK = { factor: 4, plus: 64 } as const;

/** The largest `next` allowed for a table that records `keys` keys. */
function maxNext(keys: number): number {
  return NEXT_SLACK.factor * keys + NEXT_SLACK.plus;
}

/** A JSON path inside the lockfile: object keys. */
type LockPath = readonly string[];

/** Spans of places in a parsed lockfile, computed on demand (only diagnostics need them). */
interface LockfileSpans {
  /** The span of the key at `at` (the last segment), or of the value with `value`; the closest enclosing place when absent. */
  at(at: LockPath, part?: 'key' | 'value'): Span;
}

/** A lockfile read from a set: its numbers, where each is written, and its text for code frames. */
export interface ReadLockfile {
  readonly lockfile: Lockfile;
  readonly spans: LockfileSpans;
  readonly file: SourceFile;
}

/**
 * Every role the lockfile numbers (active or reserved), with the place it is numbered: the roles
 * that existed before. Computed here, once; the resolver reports a deleted one without a transfer
 * (PC601) from it, and the allocator relies on that.
 */
export function numberedRoles(read: ReadLockfile): ReadonlyMap<string, Span> {
  const where = new Map<string, 'active' | 'reserved'>();
  for (const table of ['active', 'reserved'] as const)
    for (const name of read.lockfile.roles[table].keys()) where.set(name, table);
  return new SpansOnDemand(where, (name, table) => read.spans.at(['roles', table, name]));
}

/**
 * A map of names to spans that computes a span when it is first asked for: a lockfile's positions
 * come from a YAML parse of its text, which only a diagnostic needs (most runs report none).
 */
class SpansOnDemand<T> implements ReadonlyMap<string, Span> {
  private readonly spans = new Map<string, Span>();
  private readonly keysTo: ReadonlyMap<string, T>;
  private readonly spanOf: (key: string, value: T) => Span;
  constructor(keysTo: ReadonlyMap<string, T>, spanOf: (key: string, value: T) => Span) {
    this.keysTo = keysTo;
    this.spanOf = spanOf;
  }
  get size(): number {
    return this.keysTo.size;
  }
  has(key: string): boolean {
    return this.keysTo.has(key);
  }
  get(key: string): Span | undefined {
    const known = this.spans.get(key);
    if (known || !this.keysTo.has(key)) return known;
    const span = this.spanOf(key, this.keysTo.get(key)!);
    this.spans.set(key, span);
    return span;
  }
  keys(): MapIterator<string> {
    return this.keysTo.keys();
  }
  *entries(): MapIterator<[string, Span]> {
    for (const key of this.keysTo.keys()) yield [key, this.get(key)!];
  }
  *values(): MapIterator<Span> {
    for (const key of this.keysTo.keys()) yield this.get(key)!;
  }
  [Symbol.iterator](): MapIterator<[string, Span]> {
    return this.entries();
  }
  forEach(callback: (value: Span, key: string, map: ReadonlyMap<string, Span>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }
}

/**
 * The offsets of the first key written twice in one object of a JSON text (which JSON.parse
 * accepted), or undefined. JSON.parse keeps the last of two equal keys silently.
 */
export function duplicateJsonKey(text: string, parsed: unknown): [start: number, end: number] | undefined {
  // Quick answer first (native regex, no scan in JavaScript): as many keys written as parsed.
  let written = 0;
  for (const m of text.matchAll(/"(?:[^"\\]|\\.)*"(\s*:)?/g)) if (m[1] !== undefined) written++;
  if (written === countKeys(parsed)) return undefined;
  /** Per open container: the keys seen when it is an object, undefined for an array. */
  const open: (Set<string> | undefined)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      while (j < text.length && text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c /* \ */ ? 2 : 1;
      const keys = open[open.length - 1];
      if (expectKey && keys) {
        const raw = text.slice(i + 1, j);
        const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        if (keys.has(key)) return [i, j + 1];
        keys.add(key);
      }
      expectKey = false;
      i = j;
    } else if (c === 0x7b /* { */) {
      open.push(new Set());
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      open.push(undefined);
      expectKey = false;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      open.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      expectKey = open[open.length - 1] !== undefined;
    }
  }
  return undefined;
}

/** The number of keys of every object in a JSON value (without recursion: a tampered lockfile may nest deep). */
function countKeys(value: unknown): number {
  let n = 0;
  const stack = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    const values: unknown[] = Array.isArray(v) ? v : Object.values(v);
    if (!Array.isArray(v)) n += values.length;
    for (const x of values) if (typeof x === 'object' && x !== null) stack.push(x);
  }
  return n;
}

const TOP_FIELDS = ['$comment', 'lockfileVersion', 'set', 'permissions', 'roles', 'scopes', 'collections'];
const TABLE_FIELDS = ['next', 'active', 'reserved'];
/** Keys are names written in YAML: no control characters, not empty, not a novel. */
const KEY = /^[^\u0000-\u001f\u007f-\u009f]{1,256}$/;
const HINT =
  'restore it from git (git checkout -- <file>); deleting it renumbers everything, which breaks stored bit positions';
const decoder = new TextDecoder('utf-8', { fatal: true });

type ParsedLockfile = ReturnType<typeof parseDocument> | null;

/**
 * The last few lockfile texts parsed for positions (read only): `policyc test` compiles dozens of
 * changed copies of a set, all with the same lockfile.
 */
const parsedLockfiles = new Map<string, ParsedLockfile>();

/** Positions in the lockfile's text, from a YAML parse of the JSON (JSON is YAML 1.2), made once when first asked. */
function spansOf(
  path: string,
  text: string,
  lines: LineIndex,
): LockfileSpans & { duplicate(parsed: unknown): Span | undefined } {
  let doc: ParsedLockfile | undefined;
  const parsed = () => {
    doc ??= parsedLockfiles.get(text);
    if (doc === undefined) {
      try {
        doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
      } catch {
        // Nesting deep enough to exhaust the stack: JSON.parse took it, positions fall back to the file.
        doc = null;
      }
      if (parsedLockfiles.size >= 8) parsedLockfiles.delete(parsedLockfiles.keys().next().value!);
      parsedLockfiles.set(text, doc);
    }
    return doc;
  };
  const spanOf = (node: Node | null | undefined, fallback: Span): Span => {
    const r = node?.range;
    return r ? lines.span(path, r[0], Math.max(r[1], r[0] + 1)) : fallback;
  };
  return {
    at(at, part = 'key') {
      let node: unknown = parsed()?.contents;
      let span = fileSpan(path);
      for (const [i, segment] of at.entries()) {
        if (!isMap(node)) return span;
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
        if (!pair) return span;
        const last = i === at.length - 1;
        span = spanOf((last && part === 'key' ? pair.key : (pair.value ?? pair.key)) as Node, span);
        node = pair.value;
      }
      return span;
    },
    duplicate(parsed) {
      // Found without the YAML parser: a lockfile with no duplicate (every lockfile policyc
      // wrote) is read without loading it.
      const at = duplicateJsonKey(text, parsed);
      return at ? lines.span(path, at[0], at[1]) : undefined;
    },
  };
}

/**
 * Reads and checks a lockfile. Reports every problem as PC603 at its place (the first few; one
 * tampering tends to break many entries the same way); `read` is undefined when there is any.
 * `file` is the decoded text, for code frames, whenever it is UTF-8.
 */
export function readLockfile(
  raw: RawFile,
  diagnostics: Diagnostics,
): { read: ReadLockfile | undefined; file: SourceFile | undefined } {
  let file: SourceFile | undefined;
  const read = readChecked(raw, diagnostics, (f) => (file = f));
  return { read, file };
}

function readChecked(
  raw: RawFile,
  diagnostics: Diagnostics,
  decoded: (file: SourceFile) => void,
): ReadLockfile | undefined {
  const size = raw.size ?? raw.bytes.length;
  const path = raw.path;
  const fail = (message: string, span: Span = fileSpan(path)): undefined => {
    diagnostics.report('PC603', `lockfile is not valid: ${message}`, span, { hint: HINT });
    return undefined;
  };
  if (size > MAX_LOCKFILE_BYTES)
    return fail(`it is ${size} bytes, larger than the ${MAX_LOCKFILE_BYTES / (1024 * 1024)} MiB limit for a lockfile`);
  let text: string;
  try {
    text = decoder.decode(raw.bytes);
  } catch {
    return fail('it is not UTF-8 text');
  }
  const lines = new LineIndex(text);
  const file: SourceFile = { path, text, lines };
  decoded(file);
  const spans = spansOf(path, text, lines);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = /at position (\d+)/.exec(message);
    const offset = at ? Number(at[1]) : undefined;
    // V8 quotes a piece of the text in some messages: keep only the description.
    const what = message.replace(/^(.*?), ".*$/s, '$1').replace(/ in JSON at position \d+.*$/s, '');
    return fail(`not JSON: ${what}`, offset !== undefined ? lines.span(path, offset, offset + 1) : fileSpan(path));
  }
  const dup = spans.duplicate(doc);
  if (dup) return fail('a key is written twice (JSON keeps only the last, so the file says two things)', dup);
  if (!isObject(doc)) return fail('expected a JSON object');
  const problems: { message: string; span: Span }[] = [];
  const problem = (message: string, at: LockPath, part: 'key' | 'value' = 'key') => {
    problems.push({ message, span: spans.at(at, part) });
  };

  for (const key of Object.keys(doc)) if (!TOP_FIELDS.includes(key)) problem(`unknown field \`${key}\``, [key]);
  if (doc.lockfileVersion !== LOCKFILE_VERSION) {
    problem(
      `unsupported lockfileVersion ${JSON.stringify(doc.lockfileVersion) ?? '(missing)'} (this policyc writes ${LOCKFILE_VERSION})`,
      ['lockfileVersion'],
      'value',
    );
  }
  if (typeof doc.set !== 'string' || !KEY.test(doc.set)) problem('`set` must be the name of the set', ['set'], 'value');

  const readTable = (value: unknown, at: LockPath): NumberTable | undefined => {
    const where = at.join('.');
    if (!isObject(value))
      return void problem(`\`${where}\` must be an object with next, active and reserved`, at, 'value');
    for (const key of Object.keys(value))
      if (!TABLE_FIELDS.includes(key)) problem(`unknown field \`${where}.${key}\``, [...at, key]);
    const maps = new Map<string, Map<string, number>>();
    const owner = new Map<number, string>();
    let count = 0;
    for (const part of ['active', 'reserved'] as const) {
      const obj = value[part];
      const m = new Map<string, number>();
      maps.set(part, m);
      if (!isObject(obj)) {
        problem(`\`${where}.${part}\` must be an object of keys to numbers`, [...at, part], 'value');
        continue;
      }
      for (const [key, n] of Object.entries(obj)) {
        count++;
        const here = [...at, part, key];
        if (!KEY.test(key))
          problem(`\`${where}.${part}\` holds a key that is empty, too long or has control characters`, here);
        else if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
          problem(
            `\`${where}.${part}.${key}\` must be a whole number, 0 or more (it is ${JSON.stringify(n)})`,
            here,
            'value',
          );
        else if (owner.has(n))
          problem(`\`${where}\`: number ${n} is given to both \`${owner.get(n)}\` and \`${key}\``, here, 'value');
        else if (part === 'reserved' && maps.get('active')!.has(key))
          problem(`\`${where}\`: \`${key}\` is both active and reserved`, here);
        else {
          owner.set(n, key);
          m.set(key, n);
        }
      }
    }
    const next = value.next;
    if (typeof next !== 'number' || !Number.isSafeInteger(next) || next < 0) {
      problem(
        `\`${where}.next\` must be a whole number, 0 or more (it is ${JSON.stringify(next) ?? 'missing'})`,
        [...at, 'next'],
        'value',
      );
      return undefined;
    }
    if (next > maxNext(count)) {
      problem(
        `\`${where}.next\` is ${next}, far above the ${count} keys the table ever numbered (at most ${maxNext(count)} is accepted)`,
        [...at, 'next'],
        'value',
      );
      return undefined;
    }
    for (const [part, m] of maps) {
      for (const [key, n] of m)
        if (n >= next)
          problem(`\`${where}.${part}.${key}\` is ${n}, not below next (${next})`, [...at, part, key], 'value');
    }
    return { next, active: maps.get('active')!, reserved: maps.get('reserved')! };
  };

  const tables = (['permissions', 'roles', 'scopes'] as const).map((key) => readTable(doc[key], [key]));
  const collections = new Map<string, NumberTable>();
  if (!isObject(doc.collections))
    problem('`collections` must be an object of collection names to tables', ['collections'], 'value');
  else {
    for (const [name, value] of Object.entries(doc.collections)) {
      if (!KEY.test(name))
        problem('`collections` holds a name that is empty, too long or has control characters', ['collections', name]);
      const t = readTable(value, ['collections', name]);
      if (t) collections.set(name, t);
    }
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_REPORTED);
    for (const p of shown) fail(p.message, p.span);
    if (problems.length > shown.length) fail(`and ${problems.length - shown.length} more problems like these`);
    return undefined;
  }
  const [permissions, roles, scopes] = tables as [NumberTable, NumberTable, NumberTable];
  return { lockfile: { set: doc.set as string, permissions, roles, scopes, collections }, spans, file };
}

/** A tampered lockfile can break thousands of entries; a reviewer needs the first few. */
const MAX_REPORTED = 10;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
