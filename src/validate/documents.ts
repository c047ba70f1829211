import type { Span } from '../diagnostics/span.js';
import type { CollectionMode } from '../model/model.js';
import type { Pointer, YamlDocument } from '../load/yaml.js';
import type { Kind } from './schema.js';

/**
 * Typed views of schema-valid documents. Every name that another declaration can refer to, and
 * every reference, carries the span it was written at, so semantic errors point at the text.
 */

/** A value and where it was written. */
export interface Located<T> {
  readonly value: T;
  readonly span: Span;
}

export interface ScopeDecl {
  readonly name: Located<string>;
  readonly title: string | undefined;
  readonly description: string | undefined;
  /** Extra phrases Gherkin steps may use for this level. */
  readonly phrases: readonly string[];
}

interface RetiredRoleDecl {
  readonly name: Located<string>;
  readonly transferTo: Located<string>;
  readonly reason: string | undefined;
}

export interface PolicySetDecl {
  readonly kind: 'PolicySet';
  readonly span: Span;
  readonly name: Located<string>;
  /** Earlier keys of the set (renames), for diff. */
  readonly previousNames: readonly Located<string>[];
  readonly title: string | undefined;
  readonly description: string | undefined;
  readonly version: Located<string>;
  readonly scopes: readonly ScopeDecl[];
  readonly defaultRole: Located<string> | undefined;
  readonly ownerRole: Located<string> | undefined;
  readonly retiredRoles: readonly RetiredRoleDecl[];
}

interface ActionDecl {
  readonly name: Located<string>;
  readonly title: string | undefined;
  readonly description: string | undefined;
  readonly implies: readonly Located<string>[];
}

interface CategoryDecl {
  readonly name: Located<string>;
  readonly title: string;
  readonly description: string | undefined;
}

interface ResourceDecl {
  readonly name: Located<string>;
  readonly title: string;
  readonly description: string | undefined;
  readonly category: Located<string> | undefined;
}

interface PermissionDecl {
  readonly id: Located<string>;
  readonly title: Located<string>;
  readonly description: string | undefined;
  readonly category: Located<string> | undefined;
  readonly scoped: boolean;
  readonly selfRestricted: boolean;
  readonly sensitive: boolean;
  readonly previousNames: readonly Located<string>[];
}

interface EntryDecl {
  readonly path: Located<string>;
  readonly title: string | undefined;
  readonly description: string | undefined;
}

/** A kind of collection entry Gherkin steps may name: a noun and the shape of its paths, `*` standing for one segment. */
interface EntryKindDecl {
  readonly name: string;
  readonly plural: string | undefined;
  readonly path: string;
}

interface CollectionDecl {
  readonly name: Located<string>;
  readonly title: string;
  readonly description: string | undefined;
  /** What steps call one entry (`connector`), and its plural; undefined when not declared. */
  readonly noun: string | undefined;
  readonly plural: string | undefined;
  readonly kinds: readonly EntryKindDecl[];
  readonly modes: readonly CollectionMode[];
  readonly entries: readonly EntryDecl[];
}

export interface CatalogDecl {
  readonly kind: 'Catalog';
  readonly span: Span;
  readonly actions: readonly ActionDecl[];
  readonly categories: readonly CategoryDecl[];
  readonly resources: readonly ResourceDecl[];
  readonly permissions: readonly PermissionDecl[];
  readonly collections: readonly CollectionDecl[];
}

/** One item of a role's `grants`: the text as written and its optional level. */
export interface GrantDecl {
  readonly target: Located<string>;
  readonly level: Located<string> | undefined;
  readonly span: Span;
}

interface CollectionAccessDecl {
  readonly collection: Located<string>;
  readonly mode: Located<CollectionMode>;
  readonly entries: readonly Located<string>[] | undefined;
}

export interface RoleDecl {
  readonly kind: 'Role';
  readonly span: Span;
  readonly name: Located<string>;
  readonly previousNames: readonly Located<string>[];
  readonly title: Located<string>;
  readonly description: string | undefined;
  readonly inherits: readonly Located<string>[];
  readonly grants: readonly GrantDecl[];
  readonly collections: readonly CollectionAccessDecl[];
}

interface UserDecl {
  readonly name: Located<string>;
  readonly title: string | undefined;
  readonly roles: readonly Located<string>[];
}

export interface AssignmentsDecl {
  readonly kind: 'Assignments';
  readonly span: Span;
  readonly users: readonly UserDecl[];
}

export type Declaration = PolicySetDecl | CatalogDecl | RoleDecl | AssignmentsDecl;

type Obj = Record<string, unknown>;

/**
 * A value whose span is found when first asked for. A large set declares hundreds of thousands of
 * grants and only the few a diagnostic or a review names need their place: finding every span up
 * front was a third of reading the declarations, and most of its garbage.
 */
class LazyLocated<T> implements Located<T> {
  readonly value: T;
  // Private names (not own properties): declarations compare deep-equal by their values, not by the parse they came from.
  readonly #doc: YamlDocument;
  readonly #pointer: Pointer;
  readonly #part: 'key' | 'value';
  #found: Span | undefined;

  constructor(value: T, doc: YamlDocument, pointer: Pointer, part: 'key' | 'value') {
    this.value = value;
    this.#doc = doc;
    this.#pointer = pointer;
    this.#part = part;
  }

  get span(): Span {
    if (this.#found === undefined) this.#found = this.#doc.locate(this.#pointer, this.#part);
    return this.#found;
  }
}

/** A grant as declared (`spec.grants[index]` of a Role), its span (the whole list item) found when asked for, like its parts'. */
class LazyGrant implements GrantDecl {
  readonly target: Located<string>;
  readonly level: Located<string> | undefined;
  readonly #doc: YamlDocument;
  readonly #index: number;

  constructor(target: Located<string>, level: Located<string> | undefined, doc: YamlDocument, index: number) {
    this.target = target;
    this.level = level;
    this.#doc = doc;
    this.#index = index;
  }

  get span(): Span {
    return this.#doc.locate(['spec', 'grants', this.#index]);
  }
}

/** Reads a schema-valid document into its typed declaration. */
export function readDeclaration(doc: YamlDocument, kind: Kind): Declaration {
  const v = doc.value as Obj;
  const metadata = v.metadata as Obj;
  const spec = v.spec as Obj;
  const at = (p: Pointer): Span => doc.locate(p);
  const str = <T extends string = string>(value: unknown, p: Pointer): Located<T> =>
    new LazyLocated(value as T, doc, p, 'value');
  const strs = (list: unknown, p: Pointer): Located<string>[] =>
    ((list as string[] | undefined) ?? []).map((s, i) => str(s, [...p, i]));
  const opt = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const optLoc = (value: unknown, p: Pointer): Located<string> | undefined =>
    typeof value === 'string' ? str(value, p) : undefined;
  const span = at([]);

  switch (kind) {
    case 'PolicySet': {
      const scopes = (spec.scopes as Obj[] | undefined) ?? [];
      const retired = (spec.retiredRoles as Obj[] | undefined) ?? [];
      return {
        kind,
        span,
        name: str(metadata.name, ['metadata', 'name']),
        previousNames: strs(metadata.previousNames, ['metadata', 'previousNames']),
        title: opt(metadata.title),
        description: opt(metadata.description),
        version: str(spec.version, ['spec', 'version']),
        scopes: scopes.map((s, i) => ({
          name: str(s.name, ['spec', 'scopes', i, 'name']),
          title: opt(s.title),
          description: opt(s.description),
          phrases: (s.phrases as string[] | undefined) ?? [],
        })),
        defaultRole: optLoc(spec.defaultRole, ['spec', 'defaultRole']),
        ownerRole: optLoc(spec.ownerRole, ['spec', 'ownerRole']),
        retiredRoles: retired.map((r, i) => ({
          name: str(r.name, ['spec', 'retiredRoles', i, 'name']),
          transferTo: str(r.transferTo, ['spec', 'retiredRoles', i, 'transferTo']),
          reason: opt(r.reason),
        })),
      };
    }
    case 'Catalog': {
      const list = (key: string) => (spec[key] as Obj[] | undefined) ?? [];
      return {
        kind,
        span,
        actions: list('actions').map((a, i) => ({
          name: str(a.name, ['spec', 'actions', i, 'name']),
          title: opt(a.title),
          description: opt(a.description),
          implies: strs(a.implies, ['spec', 'actions', i, 'implies']),
        })),
        categories: list('categories').map((c, i) => ({
          name: str(c.name, ['spec', 'categories', i, 'name']),
          title: c.title as string,
          description: opt(c.description),
        })),
        resources: list('resources').map((r, i) => ({
          name: str(r.name, ['spec', 'resources', i, 'name']),
          title: r.title as string,
          description: opt(r.description),
          category: optLoc(r.category, ['spec', 'resources', i, 'category']),
        })),
        permissions: list('permissions').map((p, i) => ({
          id: str(p.id, ['spec', 'permissions', i, 'id']),
          title: str(p.title, ['spec', 'permissions', i, 'title']),
          description: opt(p.description),
          category: optLoc(p.category, ['spec', 'permissions', i, 'category']),
          scoped: p.scoped === true,
          selfRestricted: p.selfRestricted === true,
          sensitive: p.sensitive === true,
          previousNames: strs(p.previousNames, ['spec', 'permissions', i, 'previousNames']),
        })),
        collections: list('collections').map((c, i) => ({
          name: str(c.name, ['spec', 'collections', i, 'name']),
          title: c.title as string,
          description: opt(c.description),
          noun: opt(c.noun),
          plural: opt(c.plural),
          kinds: ((c.kinds as Obj[] | undefined) ?? []).map((k) => ({
            name: k.name as string,
            plural: opt(k.plural),
            path: k.path as string,
          })),
          modes: (c.modes as CollectionMode[] | undefined) ?? ['all', 'allow', 'except'],
          entries: ((c.entries as unknown[] | undefined) ?? []).map((e, j) => {
            const p: Pointer = ['spec', 'collections', i, 'entries', j];
            return typeof e === 'string'
              ? { path: str(e, p), title: undefined, description: undefined }
              : {
                  path: str((e as Obj).path, [...p, 'path']),
                  title: opt((e as Obj).title),
                  description: opt((e as Obj).description),
                };
          }),
        })),
      };
    }
    case 'Role': {
      const grants = (spec.grants as unknown[] | undefined) ?? [];
      const collections = (spec.collections as Record<string, Obj> | undefined) ?? {};
      return {
        kind,
        span,
        name: str(metadata.name, ['metadata', 'name']),
        previousNames: strs(metadata.previousNames, ['metadata', 'previousNames']),
        title: str(spec.title, ['spec', 'title']),
        description: opt(spec.description),
        inherits: strs(spec.inherits, ['spec', 'inherits']),
        grants: grants.map((g, i): GrantDecl => {
          if (typeof g === 'string') return new LazyGrant(str(g, ['spec', 'grants', i]), undefined, doc, i);
          let key = '';
          for (const k in g as Obj) {
            key = k;
            break;
          }
          const at: Pointer = ['spec', 'grants', i, key];
          return new LazyGrant(new LazyLocated(key, doc, at, 'key'), str((g as Obj)[key], at), doc, i);
        }),
        collections: Object.entries(collections).map(([name, access]) => ({
          collection: new LazyLocated(name, doc, ['spec', 'collections', name], 'key'),
          mode: str<CollectionMode>(access.mode, ['spec', 'collections', name, 'mode']),
          entries:
            access.entries === undefined ? undefined : strs(access.entries, ['spec', 'collections', name, 'entries']),
        })),
      };
    }
    case 'Assignments': {
      const users = (spec.users as Obj[] | undefined) ?? [];
      return {
        kind,
        span,
        users: users.map((u, i) => ({
          name: str(u.name, ['spec', 'users', i, 'name']),
          title: opt(u.title),
          roles: strs(u.roles, ['spec', 'users', i, 'roles']),
        })),
      };
    }
  }
}
