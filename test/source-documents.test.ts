import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Model } from '../src/model/model.js';
import { ROOT, shippedModel } from './support/sets.js';

/**
 * Every permission row of both source documents must be in its catalog, with its title and
 * purpose. The transcriptions under test/fixtures/sources are checked against the documents'
 * text (copied into docs/sources/) so that they cannot drift from them.
 */
const source = (name: string) => readFileSync(path.join(ROOT, 'docs/sources', name), 'utf8');

interface CrmRow {
  category: string;
  title: string;
  purpose: string;
  id: string;
}
interface PlatformRow {
  group: string;
  resource: string;
  resourceId: string;
  title: string;
  id: string;
}

describe('policies/crm covers the Uniconnect role management document', () => {
  const rows = JSON.parse(
    readFileSync(path.join(ROOT, 'test/fixtures/sources/crm-permissions.json'), 'utf8'),
  ) as CrmRow[];
  const text = source('uniconnect-role-management.txt');
  let model: Model;
  beforeAll(async () => {
    model = await shippedModel('crm');
  });

  it('transcribes all 48 rows in 12 categories, verbatim', () => {
    expect(rows).toHaveLength(48);
    expect(new Set(rows.map((r) => r.category)).size).toBe(12);
    for (const r of rows) {
      // The document's table runs the columns together: Category? Permission Purpose.
      expect(text, r.title).toContain(`${r.title}${r.purpose}`);
    }
  });

  it('has every row as a permission with its title, purpose and category', () => {
    for (const r of rows) {
      const p = model.permissionIndex.get(r.id);
      expect(p, r.id).toBeDefined();
      expect(p!.title).toBe(r.title);
      expect(p!.description).toBe(r.purpose);
      const category = model.categories.find((c) => c.name === p!.category);
      expect(category?.title, r.id).toBe(r.category);
    }
  });

  it('keeps the document order', () => {
    const order = model.permissions.map((p) => p.id).filter((id) => rows.some((r) => r.id === id));
    expect(order).toEqual(rows.map((r) => r.id));
  });

  it('scopes exactly the permissions whose purpose says "depending on access level"', () => {
    for (const r of rows) {
      expect(model.permissionIndex.get(r.id)!.scoped, r.id).toBe(r.purpose.includes('depending on access level'));
    }
    expect(model.scopes.map((s) => s.name)).toEqual(['own', 'group', 'all']);
  });

  it('has the default roles System Owner (everything) and User', () => {
    const owner = model.roleIndex.get(model.ownerRole!)!;
    expect(owner.title).toBe('System Owner');
    expect(owner.effective.size).toBe(model.permissions.length);
    expect([...owner.effective.values()].every((l) => l === model.levels - 1)).toBe(true);
    expect(model.roleIndex.get(model.defaultRole!)!.title).toBe('User');
  });

  it('restricts deactivating users and changing roles on oneself', () => {
    expect(model.permissionIndex.get('users:deactivate')!.selfRestricted).toBe(true);
    expect(model.permissionIndex.get('users:change-role')!.selfRestricted).toBe(true);
  });
});

describe('policies/platform covers the UnifyApps roles document', () => {
  const rows = JSON.parse(
    readFileSync(path.join(ROOT, 'test/fixtures/sources/platform-permissions.json'), 'utf8'),
  ) as PlatformRow[];
  const text = source('unifyapps-roles.txt');
  let model: Model;
  beforeAll(async () => {
    model = await shippedModel('platform');
  });

  it('transcribes 33 resources and 154 permissions, verbatim', () => {
    expect(rows).toHaveLength(154);
    expect(new Set(rows.map((r) => r.resourceId)).size).toBe(33);
    for (const r of rows) expect(text, r.title).toContain(r.title);
    for (const r of rows) expect(text).toContain(`${r.resource}:`);
  });

  it('has every resource and permission with its title, in the document order', () => {
    expect(model.resources).toHaveLength(33);
    expect(model.permissions).toHaveLength(154);
    expect(model.permissions.map((p) => p.id)).toEqual(rows.map((r) => r.id));
    for (const r of rows) {
      const p = model.permissionIndex.get(r.id)!;
      expect(p.title).toBe(r.title);
      expect(p.description, r.id).toBeTruthy();
      expect(model.resources.find((x) => x.name === p.resource)!.title).toBe(r.resource);
      expect(model.categories.find((c) => c.name === p.category)!.title).toBe(r.group);
    }
  });

  it('declares exactly the four implication rules of the document', () => {
    const implies = Object.fromEntries(
      model.actions.filter((a) => a.implies.length > 0).map((a) => [a.name, [...a.implies].sort()]),
    );
    expect(implies).toEqual({ edit: ['view'], create: ['edit', 'use', 'view'], use: ['view'], share: ['view'] });
  });

  it('offers connectors in three modes and objects in two', () => {
    expect(model.collectionIndex.get('connectors')!.modes).toEqual(['all', 'allow', 'except']);
    expect(model.collectionIndex.get('objects')!.modes).toEqual(['all', 'allow']);
    const modes = (c: string) =>
      new Set(model.roles.flatMap((r) => [...r.collectionRules].filter(([n]) => n === c).map(([, rule]) => rule.mode)));
    expect(modes('connectors')).toEqual(new Set(['all', 'allow', 'except']));
    expect(modes('objects')).toEqual(new Set(['all', 'allow']));
  });

  it('gives every role a name and a description', () => {
    for (const r of model.roles) expect(r.description, r.name).toBeTruthy();
  });
});
