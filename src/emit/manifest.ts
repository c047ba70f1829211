import { createHash } from 'node:crypto';
import type { Numbering } from '../allocate/lockfile.js';
import type { Model } from '../model/model.js';
import { encodeWords } from './bitset.js';
import { metadataFacts } from './facts.js';
import type { Tables } from './tables.js';

/** Version of the manifest's JSON shape; bumped on any incompatible change. */
export const MANIFEST_FORMAT = 1;

/**
 * The JSON manifest: the same facts as the generated module for consumers that do not run
 * TypeScript (a Go or Python service, a UI, a database migration). Effective access is in
 * `tables`, in the module's own encoding, described in `tables.layout`.
 */
export function buildManifest(
  model: Model,
  numbering: Numbering,
  tables: Tables,
  generator: string,
  roleSchemaText: string,
): Record<string, unknown> {
  const facts = metadataFacts(model, numbering, (n) => n);
  const body = {
    formatVersion: MANIFEST_FORMAT,
    generatedBy: generator,
    set: {
      name: model.name,
      title: model.title ?? null,
      description: model.description ?? null,
      version: model.version,
    },
    scopes: facts.scopes,
    defaultRole: model.defaultRole ?? null,
    ownerRole: model.ownerRole ?? null,
    categories: facts.categories,
    actions: model.actions.map((a) => ({
      id: a.name,
      title: a.title,
      description: a.description ?? null,
      implies: a.implies,
      closure: a.closure,
    })),
    resources: model.resources.map((r) => ({
      id: r.name,
      title: r.title,
      description: r.description ?? null,
      category: r.category ?? null,
    })),
    permissions: facts.permissions,
    roles: model.roles.map((r) => ({
      id: r.name,
      no: numbering.roles.active.get(r.name)!,
      title: r.title,
      description: r.description ?? null,
      previousNames: r.previousNames,
      inherits: r.inherits,
      collections: Object.fromEntries(
        [...r.collections].map(([name, a]) => [name, { mode: a.mode, entries: a.entries }]),
      ),
    })),
    retiredRoles: model.retiredRoles.map((r) => ({
      id: r.name,
      no: numbering.roles.reserved.get(r.name) ?? null,
      transferTo: r.transferTo,
      reason: r.reason ?? null,
    })),
    aliases: {
      roles: Object.fromEntries(model.roleAliases),
      permissions: Object.fromEntries(model.permissionAliases),
    },
    collections: facts.collections,
    users: facts.users,
    customRoles: {
      schema: ROLE_SCHEMA_FILE,
      schemaHash: sha256(roleSchemaText),
      namespaceSeparator: '/',
    },
    tables: {
      layout:
        'base64 of little-endian uint32 words. access: bit p of role r in plane s is word (s*rows + r)*words + (p>>>5), bit p&31; planes are scope numbers (a grant at a level sets every narrower plane); sets without scopes have one plane. selfRestricted: one row of permission bits. collections.<name>: rows of allowed known entries, then rows of entries under which unknown entries are allowed, then one bit per role for unknown top-level entries.',
      words: tables.words,
      rows: tables.rows,
      planes: tables.planes,
      widestPlane: tables.widest,
      access: encodeWords(tables.access),
      selfRestricted: encodeWords(tables.selfRestricted),
      collections: Object.fromEntries(
        tables.collections.map((c) => [c.name, { words: c.words, data: encodeWords(c.data) }]),
      ),
    },
  };
  return body;
}

/** The JSON Schema of run-time role definitions, beside the manifest. */
export const ROLE_SCHEMA_FILE = 'role.schema.json';

/** `sha256:<hex>` of a text (UTF-8). */
export function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** sha256 of the manifest's canonical JSON: the content hash of the compiled set. */
export function contentHash(manifest: Record<string, unknown>): string {
  const { generatedBy: _ignored, ...facts } = manifest;
  return `sha256:${createHash('sha256').update(JSON.stringify(facts)).digest('hex')}`;
}
