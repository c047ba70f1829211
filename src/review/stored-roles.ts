import { existsSync, lstatSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { globSync } from 'tinyglobby';
import type { Node } from 'yaml';
import type { Lockfile } from '../allocate/lockfile.js';
import { type Diagnostic, Diagnostics } from '../diagnostics/diagnostic.js';
import { fileSpan, type Span } from '../diagnostics/span.js';
import { emitSet } from '../emit/emit.js';
import { displayPath } from '../load/discover.js';
import { decodeFile, MAX_FILE_BYTES, type SourceFile } from '../load/source.js';
import { noAccess, ruleAccess, unionAccess } from '../model/collections.js';
import { LevelMap } from '../model/level-map.js';
import type {
  CollectionAccess,
  CollectionMode,
  CollectionRule,
  GrantInfo,
  GrantTarget,
  Model,
  RoleInfo,
} from '../model/model.js';
import { jsonErrorOffset } from './json-error.js';
import { UsageError } from './sides.js';
import { isMap, isSeq, parseDocument } from '../load/yaml-lib.js';

/**
 * Run-time roles under review (issue 18): the definitions an application stores (what
 * `defineRole` in the generated module accepted) read from JSON files, installed on a set's
 * model so that `explain` and `diff` answer for them as for compiled roles.
 *
 * What a definition gives is decided by the set's own generated module: the same `defineRole`
 * the application runs (src/runtime/define-role.ts), emitted for the model under review and
 * evaluated here, so the review cannot disagree with production on grants, levels, renamed ids
 * or permissions that no longer exist. Collections follow src/model/collections.ts, the rule the
 * compiler uses.
 */

/** A definition read from a file, with where it is. */
export interface StoredDefinition {
  /** The file, as displayed. */
  readonly file: string;
  /** JSON Pointer of the definition in its file ("" for a file holding one definition). */
  readonly pointer: string;
  /** The set the file names (`{ "set": … }`), when it names one. */
  readonly set: string | undefined;
  /** The namespace the file names (`{ "namespace": … }`): the roles are `namespace/id`. */
  readonly namespace: string | undefined;
  readonly value: unknown;
}

/** Everything read from `--custom-roles`: the definitions, the files (for code frames), and the problems. */
export interface StoredDefinitions {
  readonly label: string;
  readonly definitions: readonly StoredDefinition[];
  readonly files: ReadonlyMap<string, SourceFile>;
  /** Files that cannot be read or are not in the expected shape (PC701). */
  readonly diagnostics: readonly Diagnostic[];
  /** The span of a JSON Pointer inside a file. */
  span(file: string, pointer: string): Span;
}

const WRAPPER_FIELDS = ['set', 'namespace', 'roles'];
const SHAPE_HINT =
  'a file holds one definition ({ "id", "title", "grants", … }), a list of them, or { "set": "crm", "namespace": "acme", "roles": [ … ] }';
const MAX_FILES = 10_000;

/** The folder no file may leave, by real path: the git work tree holding `cwd`, or `cwd` itself outside git. */
function boundaryOf(cwd: string): string {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, '.git'))) return realpathSync(dir);
    if (path.dirname(dir) === dir) return realpathSync(cwd);
  }
}

function inside(real: string, boundary: string): boolean {
  const rel = path.relative(boundary, real);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

/**
 * Reads stored definitions from a JSON file or a folder of them (`**\/*.json`, hidden folders and
 * node_modules skipped). The path must stay inside the repository holding the working directory
 * (or the working directory outside git), every symbolic link resolved, as for policy files:
 * a path that leaves it is a usage error, a file inside a folder that links out is refused
 * (PC701) and never read. Bad JSON and wrong shapes are positioned PC701 errors, never exceptions.
 */
export function readStoredDefinitions(cwd: string, arg: string): StoredDefinitions {
  const abs = path.resolve(cwd, arg);
  const boundary = boundaryOf(cwd);
  let real: string;
  try {
    real = realpathSync(abs);
  } catch {
    throw new UsageError(
      'PC901',
      `--custom-roles: no such file or folder: ${arg}`,
      'pass a JSON file of stored role definitions, or a folder of them',
    );
  }
  if (!inside(real, boundary)) {
    throw new UsageError(
      'PC901',
      `--custom-roles: refused to read ${arg}: it leads outside the repository (${displayPath(boundary, cwd)})`,
      'copy the definitions into the repository (or export them there) instead of linking to them',
    );
  }
  const diagnostics = new Diagnostics();
  const files = new Map<string, SourceFile>();
  const docs = new Map<string, ReturnType<typeof parseDocument> | null>();
  const definitions: StoredDefinition[] = [];
  let names: string[];
  if (statSync(abs).isDirectory()) {
    names = globSync(['**/*.json'], {
      cwd: abs,
      ignore: ['**/node_modules/**', '**/.*/**'],
      onlyFiles: true,
      dot: false,
    })
      .sort()
      .map((n) => path.join(abs, n));
    if (names.length > MAX_FILES)
      throw new UsageError('PC901', `--custom-roles: ${arg} holds more than ${MAX_FILES} JSON files`);
  } else names = [abs];

  for (const full of names) {
    const shown = displayPath(full, cwd);
    const fail = (message: string, span: Span = fileSpan(shown)) =>
      diagnostics.report('PC701', message, span, { hint: SHAPE_HINT });
    let fileReal: string;
    try {
      fileReal = realpathSync(full);
    } catch {
      fail('cannot read file: it is a symbolic link to a file that does not exist');
      continue;
    }
    if (!inside(fileReal, boundary)) {
      let how = 'a folder on its path is a symbolic link';
      try {
        if (lstatSync(full).isSymbolicLink()) how = `it is a symbolic link to ${readlinkSync(full)}`;
      } catch {
        // Keep the general wording.
      }
      diagnostics.report(
        'PC701',
        `refused to read file: ${how}, which leads outside the repository (${displayPath(boundary, cwd)})`,
        fileSpan(shown),
        { hint: 'copy the file into the repository instead of linking to it' },
      );
      continue;
    }
    const size = statSync(full).size;
    const bytes = size > MAX_FILE_BYTES ? new Uint8Array(0) : readFileSync(full);
    const decoded = decodeFile({ path: shown, bytes, size }, diagnostics);
    if (!decoded) continue;
    files.set(shown, decoded);
    const text = decoded.text;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const offset = jsonErrorOffset(text);
      // V8 quotes a piece of the text in some messages: keep only the description.
      const what = message
        .replace(/^(.*?), (\.\.\.)?".*$/s, '$1')
        .replace(/ in JSON at position \d+.*$/s, '')
        .replace(/ \(line \d+ column \d+\)$/, '');
      fail(`not JSON: ${what}`, offset !== undefined ? decoded.lines.span(shown, offset, offset + 1) : fileSpan(shown));
      continue;
    }
    const doc = parsedJson(text);
    docs.set(shown, doc);
    const dup = doc?.errors.find((x) => x.code === 'DUPLICATE_KEY');
    if (dup) {
      diagnostics.report(
        'PC701',
        'a key is written twice (JSON keeps only the last, so the file says two things)',
        decoded.lines.span(shown, dup.pos[0], Math.max(dup.pos[1], dup.pos[0] + 1)),
        { hint: 'keep one of the two' },
      );
      continue;
    }
    const at = (pointer: string) => spanAt(doc, decoded, pointer);
    const push = (value: unknown, pointer: string, set?: string, namespace?: string) =>
      definitions.push({ file: shown, pointer, set, namespace, value });
    if (Array.isArray(value)) value.forEach((v, i) => push(v, `/${i}`));
    else if (isPlainObject(value) && Object.hasOwn(value, 'roles')) {
      const bad = Object.keys(value).filter((k) => !WRAPPER_FIELDS.includes(k));
      for (const k of bad) fail(`unknown field \`${k.slice(0, 80)}\``, at(`/${pointerSegment(k)}`));
      const { set, namespace, roles } = value as { set?: unknown; namespace?: unknown; roles: unknown };
      if (set !== undefined && typeof set !== 'string') fail('`set` is the name of a policy set', at('/set'));
      if (namespace !== undefined && typeof namespace !== 'string')
        fail('`namespace` is a string (a tenant id)', at('/namespace'));
      if (!Array.isArray(roles)) fail('`roles` is a list of definitions', at('/roles'));
      if (bad.length > 0 || (set !== undefined && typeof set !== 'string')) continue;
      if ((namespace !== undefined && typeof namespace !== 'string') || !Array.isArray(roles)) continue;
      roles.forEach((v, i) => push(v, `/roles/${i}`, set as string | undefined, namespace as string | undefined));
    } else if (isPlainObject(value)) push(value, '');
    else fail('expected a role definition, a list of them, or { "set", "namespace", "roles" }');
  }
  return {
    label: displayPath(abs, cwd),
    definitions,
    files,
    diagnostics: diagnostics.items,
    span: (file, pointer) => {
      const f = files.get(file);
      return f ? spanAt(docs.get(file) ?? null, f, pointer) : fileSpan(file);
    },
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const pointerSegment = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');
const fromPointerSegment = (segment: string) => segment.replace(/~1/g, '/').replace(/~0/g, '~');

/** A YAML parse of the JSON (JSON is YAML 1.2), for positions; null when too deep for the parser. */
function parsedJson(text: string): ReturnType<typeof parseDocument> | null {
  try {
    return parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  } catch {
    return null;
  }
}

/** The span of the value at a JSON Pointer; the nearest enclosing value when the pointer goes further than the file. */
function spanAt(doc: ReturnType<typeof parseDocument> | null, file: SourceFile, pointer: string): Span {
  let node: unknown = doc?.contents;
  let span = fileSpan(file.path);
  const spanOf = (n: Node) => {
    const r = n.range;
    return r ? file.lines.span(file.path, r[0], Math.max(r[1], r[0] + 1)) : span;
  };
  if (node && typeof node === 'object' && 'range' in (node as object)) span = spanOf(node as Node);
  if (pointer === '') return span;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = fromPointerSegment(raw);
    if (isMap(node)) {
      const pair = node.items.find((p) => String((p.key as { value?: unknown } | null)?.value) === segment);
      if (!pair) return span;
      node = pair.value;
      if (pair.value) span = spanOf(pair.value as Node);
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)];
      if (!item) return span;
      node = item;
      span = spanOf(item as Node);
    } else return span;
  }
  return span;
}

// ---- the set's own defineRole ----

/** A problem `defineRole` reports: a JSON Pointer into the definition, a reason, maybe a hint. */
export interface Problem {
  readonly path: string;
  readonly reason: string;
  readonly hint?: string;
}

/** The parts of a generated module this file calls. */
export interface RoleModule {
  readonly Permission: Readonly<Record<string, number>>;
  readonly Scope: Readonly<Record<string, number>>;
  can(role: number, permission: number, scope?: number): boolean;
  defineRole(
    definition: unknown,
    options?: { namespace?: string; grantedBy?: unknown },
  ):
    | { ok: true; role: number; id: string; definition: CanonicalDefinition; warnings: readonly Problem[] }
    | { ok: false; errors: readonly Problem[]; warnings: readonly Problem[] };
}

/** A definition as `defineRole` returns it: current ids, in the order written. */
export interface CanonicalDefinition {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  readonly inherits?: readonly string[];
  readonly grants: readonly (string | Readonly<Record<string, string>>)[];
  readonly collections?: Readonly<Record<string, { mode: CollectionMode; entries?: readonly string[] }>>;
}

/**
 * A fresh instance of the module the set compiles to: emitted from the model and its numbering
 * (which knows the permissions earlier versions had), types stripped by the TypeScript compiler,
 * evaluated as CommonJS. Fresh each time: run-time roles live in the module instance.
 */
function moduleFor(model: Model, numbering: Lockfile): RoleModule {
  const index = emitSet(model, numbering, { generator: 'policyc review', sourceDir: '.' }).files.find(
    (f) => f.name === 'index.ts',
  )!;
  const { ts } = createRequire(import.meta.url)('ts-morph') as typeof import('ts-morph');
  const js = ts.transpileModule(index.text, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS },
    reportDiagnostics: false,
  }).outputText;
  const module = { exports: {} as Record<string, unknown> };
  new Function('exports', 'module', js)(module.exports, module);
  return module.exports as unknown as RoleModule;
}

/** One stored definition as a set reads it. */
export interface LoadedCustomRole {
  readonly stored: StoredDefinition;
  /** `namespace/id`, or the id; the definition's place when it has no usable id. */
  readonly key: string;
  readonly ok: boolean;
  /** The canonical definition, when accepted. */
  readonly definition: CanonicalDefinition | undefined;
  readonly errors: readonly Problem[];
  readonly warnings: readonly Problem[];
  /** The role as the model knows it, when accepted. */
  readonly role: RoleInfo | undefined;
}

/** A set with its stored run-time roles installed: a model whose roles include them, and how each was read. */
export interface CustomRoleSet {
  readonly model: Model;
  readonly roles: readonly LoadedCustomRole[];
}

/** The key a stored definition is known by: `namespace/id` in a namespace. */
function keyOf(stored: StoredDefinition): string {
  const id = isPlainObject(stored.value) ? stored.value.id : undefined;
  if (typeof id !== 'string') return `${stored.file}#${stored.pointer}`;
  return stored.namespace === undefined ? id : `${stored.namespace}/${id}`;
}

/**
 * Installs stored definitions on a set: each goes through the set's own `defineRole` (no
 * `grantedBy`: they were accepted when saved), and an accepted one becomes a role of the
 * returned model, its effective access read from the module's rows. A key defined twice is an
 * error on the second (the module would silently edit the first).
 */
export function installCustomRoles(
  model: Model,
  numbering: Lockfile,
  stored: readonly StoredDefinition[],
  spanOf: (file: string, pointer: string) => Span,
): CustomRoleSet {
  const g = moduleFor(model, numbering);
  const roles: LoadedCustomRole[] = [];
  const added: RoleInfo[] = [];
  const seen = new Map<string, StoredDefinition>();
  for (const s of stored) {
    const key = keyOf(s);
    const first = seen.get(key);
    if (first) {
      roles.push({
        stored: s,
        key,
        ok: false,
        definition: undefined,
        warnings: [],
        errors: [
          {
            path: '/id',
            reason: `\`${key}\` is defined twice (first at ${first.file}${first.pointer ? `#${first.pointer}` : ''})`,
            hint: 'an application holds one definition per id (per namespace): keep one',
          },
        ],
        role: undefined,
      });
      continue;
    }
    seen.set(key, s);
    const r = g.defineRole(s.value, s.namespace === undefined ? undefined : { namespace: s.namespace });
    if (!r.ok) {
      roles.push({
        stored: s,
        key,
        ok: false,
        definition: undefined,
        errors: r.errors,
        warnings: r.warnings,
        role: undefined,
      });
      continue;
    }
    const role = customRoleInfo(model, g, r.role, r.id, r.definition, r.warnings, (p) =>
      spanOf(s.file, `${s.pointer}${p}`),
    );
    added.push(role);
    roles.push({ stored: s, key: r.id, ok: true, definition: r.definition, errors: [], warnings: r.warnings, role });
  }
  const withRoles: Model = {
    ...model,
    roles: [...model.roles, ...added],
    roleIndex: new Map([...model.roleIndex, ...added.map((r) => [r.name, r] as const)]),
  };
  return { model: withRoles, roles };
}

/**
 * The model's view of a run-time role: its declared parts from the canonical definition (so the
 * reference evaluator and explain read its grants as written), its effective access from the
 * module's rows. `no` is the role's number in `g`.
 */
export function customRoleInfo(
  model: Model,
  g: RoleModule,
  no: number,
  key: string,
  d: CanonicalDefinition,
  warnings: readonly Problem[],
  at: (pointer: string) => Span,
): RoleInfo {
  // Effective permissions: the widest level at which the module's row allows each permission.
  const ids = model.permissions.map((p) => p.id);
  const position = new Map(ids.map((id, i) => [id, i]));
  const held = new Int16Array(ids.length).fill(-1);
  ids.forEach((id, i) => {
    const p = g.Permission[id]!;
    if (model.scopes.length === 0) {
      if (g.can(no, p)) held[i] = 0;
      return;
    }
    for (let l = model.scopes.length - 1; l >= 0; l--) {
      if (g.can(no, p, g.Scope[model.scopes[l]!.name]!)) {
        held[i] = l;
        break;
      }
    }
  });
  // Grants as written: their place in the file skips the grants defineRole left out (permissions that no longer exist).
  const leftOut = new Set(warnings.filter((w) => /left out/.test(w.reason)).map((w) => w.path));
  const written: number[] = [];
  const count = d.grants.length + leftOut.size;
  for (let i = 0; i < count; i++) if (!leftOut.has(`/grants/${i}`)) written.push(i);
  const grants: GrantInfo[] = d.grants.map((grant, k) => {
    const [text, levelName] = typeof grant === 'string' ? [grant, undefined] : Object.entries(grant)[0]!;
    const target: GrantTarget =
      text === '*'
        ? { kind: 'all' }
        : text.endsWith(':*')
          ? { kind: 'resource', resource: text.slice(0, -2) }
          : { kind: 'permission', permission: text };
    const level = levelName === undefined ? undefined : model.scopes.findIndex((s) => s.name === levelName);
    return { text, target, level, span: at(`/grants/${written[k] ?? k}`) };
  });
  // Collections: the compiler's rule (src/model/collections.ts) on the canonical rules, with what the inherited roles hold.
  const collectionRules = new Map<string, CollectionRule>();
  for (const [name, rule] of Object.entries(d.collections ?? {}))
    collectionRules.set(name, {
      mode: rule.mode,
      entries: rule.entries ?? [],
      span: at(`/collections/${pointerSegment(name)}`),
    });
  const collections = new Map<string, CollectionAccess>();
  for (const c of model.collections) {
    let access = noAccess();
    for (const parent of d.inherits ?? [])
      access = unionAccess(c, access, model.roleIndex.get(parent)?.collections.get(c.name) ?? noAccess());
    const rule = collectionRules.get(c.name);
    if (rule) access = unionAccess(c, access, ruleAccess(c, rule.mode, rule.entries));
    collections.set(c.name, access);
  }
  return {
    name: key,
    title: d.title,
    description: d.description,
    previousNames: [],
    inherits: d.inherits ?? [],
    grants,
    collectionRules,
    effective: new LevelMap(ids, position, held),
    collections,
    span: at(''),
  };
}

/** The stored definitions that apply to a set: those whose file names it, and those naming none when `unnamedHere`. */
export function definitionsFor(
  stored: StoredDefinitions,
  set: { name: string; previousNames: readonly string[] },
  unnamedHere: boolean,
): StoredDefinition[] {
  return stored.definitions.filter((d) =>
    d.set === undefined ? unnamedHere : d.set === set.name || set.previousNames.includes(d.set),
  );
}

/** The diagnostics of a set's run-time roles: PC702 for a rejected definition, PC703 for one that loads changed. */
export function customRoleDiagnostics(
  loaded: readonly LoadedCustomRole[],
  spanOf: (file: string, pointer: string) => Span,
  where: string,
): Diagnostic[] {
  const out = new Diagnostics();
  for (const r of loaded) {
    for (const e of r.errors)
      out.report(
        'PC702',
        `run-time role \`${r.key}\` is rejected by ${where}: ${e.path || '(the definition)'}: ${e.reason}`,
        spanOf(r.stored.file, `${r.stored.pointer}${e.path}`),
        {
          hint: e.hint,
        },
      );
    for (const w of r.warnings)
      out.report(
        'PC703',
        `run-time role \`${r.key}\` on ${where}: ${w.path}: ${w.reason}`,
        spanOf(r.stored.file, `${r.stored.pointer}${w.path}`),
        {
          hint: w.hint ?? 'store the definition defineRole returns to settle it',
        },
      );
  }
  return out.items;
}

/**
 * The sets of `explain` (or any query) with the stored run-time roles installed: a definition
 * goes to the set its file names, or to the only set when it names none. Problems go to
 * `report` (errors and warnings); returns undefined when a file or a definition has errors.
 */
export function withStoredRoles<S extends { name: string; model: Model; numbering?: Lockfile | undefined }>(
  sets: readonly S[],
  stored: StoredDefinitions,
  report: (d: Diagnostic) => void,
): S[] | undefined {
  if (stored.definitions.some((d) => d.set === undefined) && sets.length > 1)
    throw new UsageError(
      'PC901',
      `--custom-roles: ${stored.label} has definitions that name no set, and there are ${sets.length} sets (${sets.map((s) => s.name).join(', ')})`,
      'pick one with --set, or write the file as { "set": "<set>", "roles": [ … ] }',
    );
  let failed = stored.diagnostics.length > 0;
  for (const d of stored.diagnostics) report(d);
  const out = sets.map((set) => {
    const mine = definitionsFor(stored, set.model, true);
    if (mine.length === 0 || !set.numbering) return set;
    const installed = installCustomRoles(set.model, set.numbering, mine, stored.span);
    for (const d of customRoleDiagnostics(installed.roles, stored.span, `${set.model.name} ${set.model.version}`)) {
      if (d.severity === 'error') failed = true;
      report(d);
    }
    return { ...set, model: installed.model };
  });
  return failed ? undefined : out;
}
