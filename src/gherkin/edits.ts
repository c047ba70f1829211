import { type Document, isMap, isScalar, isSeq, parseAllDocuments, stringify, type YAMLSeq } from 'yaml';
import type { RawFile, SetSource } from '../load/source.js';

/**
 * Changes a scenario makes to a policy set before checking it again ("When the role … is
 * renamed to …"). They are applied to an in-memory copy of the set's YAML with the `yaml`
 * Document API, so comments and layout of everything else stay as written, and the copy is
 * compiled with the set's lockfile, so every number stays where it was.
 *
 * Role keys are the current keys of the set being edited (the steps resolve titles first).
 */
export type Edit =
  | { readonly kind: 'retitle-role'; readonly role: string; readonly title: string }
  | { readonly kind: 'rekey-role'; readonly role: string; readonly key: string }
  | {
      readonly kind: 'delete-role';
      readonly role: string;
      /** Where the role's users go; undefined deletes the role without moving its users. */
      readonly transferTo: string | undefined;
      /** The role's previous keys: assignments may still use them. */
      readonly aliases: readonly string[];
    }
  | {
      readonly kind: 'create-role';
      readonly key: string;
      readonly title: string;
      readonly description: string;
      readonly grants: readonly GrantSpec[];
    }
  | {
      readonly kind: 'assign';
      readonly user: string;
      readonly roles: readonly string[];
      readonly mode: 'replace' | 'add';
    }
  | { readonly kind: 'grant'; readonly role: string; readonly permission: string; readonly level: string | undefined }
  | {
      readonly kind: 'revoke';
      readonly role: string;
      /** The grant as written (`records:delete`, `"records:*"`, `"*"`). */
      readonly permission: string;
      /** Grants written in its place: what a wildcard gave, but the permission taken away. */
      readonly replacement?: readonly GrantSpec[];
    }
  | {
      readonly kind: 'collection';
      readonly role: string;
      readonly collection: string;
      readonly mode: string;
      readonly entries: readonly string[];
    };

/** A grant as written in a Role document: an id, or an id with its scope level. */
export interface GrantSpec {
  readonly permission: string;
  readonly level: string | undefined;
}

/** An edit that cannot be made (the document it changes is missing). */
export class EditError extends Error {}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Each shipped file's documents, parsed once: every variant of a set starts from the same files. */
const parsedFiles = new WeakMap<RawFile, readonly Document.Parsed[]>();

function parsedOnce(raw: RawFile): readonly Document.Parsed[] {
  let docs = parsedFiles.get(raw);
  if (!docs) {
    docs = parseAllDocuments(decoder.decode(raw.bytes)) as Document.Parsed[];
    parsedFiles.set(raw, docs);
  }
  return docs;
}

/** Each shipped file's text, decoded once: edits look for a role's key in it before parsing it. */
const decodedFiles = new WeakMap<RawFile, string>();

function decodedOnce(raw: RawFile): string {
  let text = decodedFiles.get(raw);
  if (text === undefined) {
    text = decoder.decode(raw.bytes);
    decodedFiles.set(raw, text);
  }
  return text;
}

/**
 * One file of the set being edited. Edits look documents up in `view` and change them through
 * `docs`, a copy made on first use, so the parsed originals stay as they are for the next
 * variant and a file no edit touched keeps its bytes (and its analysis, see analyzeSet's cache).
 * A shipped file is parsed only when an edit looks into it.
 */
class WorkFile {
  private edited: Document.Parsed[] | undefined;
  private parsed: readonly Document.Parsed[] | undefined;

  readonly path: string;
  private readonly raw: RawFile | undefined;

  constructor(path: string, raw: RawFile | undefined, parsed?: readonly Document.Parsed[]) {
    this.path = path;
    this.raw = raw;
    this.parsed = parsed;
  }

  private get original(): readonly Document.Parsed[] {
    this.parsed ??= this.raw ? parsedOnce(this.raw) : [];
    return this.parsed;
  }

  /** The documents, for finding (not for changing). */
  get view(): readonly Document.Parsed[] {
    return this.edited ?? this.original;
  }

  /** The documents, to change. */
  get docs(): Document.Parsed[] {
    this.edited ??= this.original.map((d) => d.clone() as Document.Parsed);
    return this.edited;
  }

  /**
   * False only for a shipped file, unchanged, whose text does not contain `text`: it cannot hold
   * a document naming `text` (unless written with escapes, which findRole looks for after).
   */
  mayContain(text: string): boolean {
    return !this.raw || this.edited !== undefined || decodedOnce(this.raw).includes(text);
  }

  /** Whether the changed set has the file: a shipped file no edit changed stays as it is, an edited one while it has documents. */
  get kept(): boolean {
    return (this.raw !== undefined && this.edited === undefined) || this.view.length > 0;
  }

  get bytes(): Uint8Array {
    return this.raw && !this.edited ? this.raw.bytes : encoder.encode(serialize(this.view));
  }
}

/** The set with `edits` applied in order, as a new source (the original is not touched). */
export function applyEdits(source: SetSource, edits: readonly Edit[]): SetSource {
  if (edits.length === 0) return source;
  let files: WorkFile[] = source.files.map((f) => new WorkFile(f.path, f));
  for (const edit of edits) files = applyEdit(source, files, edit);
  const raw: RawFile[] = files
    .filter((f) => f.kept)
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((f) => ({ path: f.path, bytes: f.bytes }));
  return { ...source, files: raw };
}

function serialize(docs: readonly Document[]): string {
  return docs
    .map((d, i) => {
      const text = d.toString();
      return i > 0 && !text.startsWith('---') ? `---\n${text}` : text;
    })
    .join('');
}

function kindOf(doc: Document): unknown {
  return doc.get('kind');
}

function nameOf(doc: Document): unknown {
  return doc.getIn(['metadata', 'name']);
}

function findRole(files: WorkFile[], key: string): { file: WorkFile; index: number; doc: Document.Parsed } {
  // First the files whose text has the key (most are not parsed at all), then every file: a key
  // may be written with escapes. A set that compiles defines each role once, so both find the same.
  for (const pass of [(f: WorkFile) => f.mayContain(key), () => true])
    for (const file of files) {
      if (!pass(file)) continue;
      const index = file.view.findIndex((d) => kindOf(d) === 'Role' && nameOf(d) === key);
      if (index >= 0) return { file, index, doc: file.docs[index]! };
    }
  throw new EditError(`no Role document with metadata.name \`${key}\` in the set`);
}

function docsOfKind(files: WorkFile[], kind: string): Document.Parsed[] {
  return files.flatMap((f) => (f.view.some((d) => kindOf(d) === kind) ? f.docs.filter((d) => kindOf(d) === kind) : []));
}

/** The sequence at `path`, created (empty) when missing. */
function seqAt(doc: Document, path: readonly (string | number)[]): YAMLSeq {
  const node = doc.getIn(path, true);
  if (isSeq(node)) return node;
  const seq = doc.createNode([]) as YAMLSeq;
  doc.setIn(path, seq);
  return seq;
}

/** The plain value of a sequence item: a scalar's value, or the single key of a one-key map. */
function itemKey(item: unknown): unknown {
  if (isScalar(item)) return item.value;
  if (isMap(item) && item.items.length === 1) {
    const key = item.items[0]!.key;
    return isScalar(key) ? key.value : key;
  }
  return item;
}

function applyEdit(source: SetSource, files: WorkFile[], edit: Edit): WorkFile[] {
  switch (edit.kind) {
    case 'retitle-role': {
      findRole(files, edit.role).doc.setIn(['spec', 'title'], edit.title);
      return files;
    }
    case 'rekey-role': {
      const { doc } = findRole(files, edit.role);
      doc.setIn(['metadata', 'name'], edit.key);
      const previous = seqAt(doc, ['metadata', 'previousNames']);
      if (!previous.items.some((i) => itemKey(i) === edit.role)) previous.add(doc.createNode(edit.role));
      return files;
    }
    case 'delete-role': {
      const { file, index } = findRole(files, edit.role);
      file.docs.splice(index, 1);
      if (edit.transferTo !== undefined) {
        const set = docsOfKind(files, 'PolicySet')[0];
        if (!set) throw new EditError('the set has no PolicySet document');
        seqAt(set, ['spec', 'retiredRoles']).add(set.createNode({ name: edit.role, transferTo: edit.transferTo }));
        const old = new Set([edit.role, ...edit.aliases]);
        for (const doc of docsOfKind(files, 'Assignments')) {
          const users = doc.getIn(['spec', 'users'], true);
          if (!isSeq(users)) continue;
          for (const user of users.items) {
            if (!isMap(user)) continue;
            const roles = user.get('roles', true);
            if (!isSeq(roles) || !roles.items.some((r) => old.has(itemKey(r) as string))) continue;
            const next: string[] = [];
            for (const r of roles.items) {
              const key = String(itemKey(r));
              const moved = old.has(key) ? edit.transferTo : key;
              if (!next.includes(moved)) next.push(moved);
            }
            user.set('roles', doc.createNode(next, { flow: true }));
          }
        }
      }
      return files;
    }
    case 'create-role': {
      const grants = edit.grants.map((g) => (g.level === undefined ? g.permission : { [g.permission]: g.level }));
      const text = stringify({
        apiVersion: 'policyc/v1',
        kind: 'Role',
        metadata: { name: edit.key },
        spec: { title: edit.title, description: edit.description, grants },
      });
      const path = `${source.dir}/roles/${edit.key}.scenario.yaml`;
      return [...files, new WorkFile(path, undefined, parseAllDocuments(text) as Document.Parsed[])];
    }
    case 'assign': {
      for (const doc of docsOfKind(files, 'Assignments')) {
        const users = doc.getIn(['spec', 'users'], true);
        if (!isSeq(users)) continue;
        for (const user of users.items) {
          if (!isMap(user) || user.get('name') !== edit.user) continue;
          const current = user.get('roles', true);
          const had = isSeq(current) ? current.items.map((r) => String(itemKey(r))) : [];
          const next =
            edit.mode === 'replace' ? [...edit.roles] : [...had, ...edit.roles.filter((r) => !had.includes(r))];
          user.set('roles', doc.createNode(next, { flow: true }));
          return files;
        }
      }
      throw new EditError(`no user \`${edit.user}\` in the set's Assignments`);
    }
    case 'grant': {
      // As in a role editor: choosing a level for a permission replaces the one it had, and
      // ticking a permission that is already ticked changes nothing.
      const { doc } = findRole(files, edit.role);
      const grants = seqAt(doc, ['spec', 'grants']);
      const node = doc.createNode(edit.level === undefined ? edit.permission : { [edit.permission]: edit.level });
      const at = grants.items.findIndex((i) => itemKey(i) === edit.permission);
      if (at >= 0) grants.items[at] = node;
      else grants.add(node);
      return files;
    }
    case 'collection': {
      const { doc } = findRole(files, edit.role);
      const access = edit.mode === 'all' ? { mode: edit.mode } : { mode: edit.mode, entries: [...edit.entries] };
      doc.setIn(['spec', 'collections', edit.collection], doc.createNode(access));
      return files;
    }
    case 'revoke': {
      const { doc } = findRole(files, edit.role);
      const grants = doc.getIn(['spec', 'grants'], true);
      const before = isSeq(grants) ? grants.items.length : 0;
      if (isSeq(grants)) grants.items = grants.items.filter((i) => itemKey(i) !== edit.permission);
      if (!isSeq(grants) || grants.items.length === before) {
        throw new EditError(`the role \`${edit.role}\` has no grant written \`${edit.permission}\``);
      }
      for (const g of edit.replacement ?? []) {
        if (!grants.items.some((i) => itemKey(i) === g.permission))
          grants.add(doc.createNode(g.level === undefined ? g.permission : { [g.permission]: g.level }));
      }
      return files;
    }
  }
}
