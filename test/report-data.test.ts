import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Model } from '../src/model/model.js';
import { rolesAccess } from '../src/review/effective-access.js';
import { type Side, prepareSet } from '../src/review/sides.js';
import { buildReport } from '../src/review/diff-report.js';
import { type MatrixRow, type SetView, setView } from '../src/report/views.js';
import { changeReport } from '../src/report/contents.js';
import { memorySet, ROOT, shippedModel } from './support/sets.js';

/*
 * The data `policyc report` draws, checked against the model that `access`, `explain` and `diff`
 * read: every cell's level is the role's effective level, and change mode marks exactly the
 * cells `policyc diff` reports.
 */

let crm: Model;
let platform: Model;
let crmView: SetView;
let platformView: SetView;

beforeAll(async () => {
  crm = await shippedModel('crm');
  platform = await shippedModel('platform');
  crmView = setView(crm);
  platformView = setView(platform);
});

function row(view: SetView, id: string): MatrixRow {
  const r = view.categories.flatMap((c) => c.rows).find((x) => x.id === id);
  if (!r) throw new Error(`no row ${id}`);
  return r;
}

function cell(view: SetView, role: string, id: string) {
  const column = view.roles.findIndex((r) => r.name === role);
  expect(column, `column ${role}`).toBeGreaterThanOrEqual(0);
  return row(view, id).cells![column]!;
}

/** The shipped set's files in memory, with `edit` applied (file → [from, to]). */
function editedSet(name: string, edits: Record<string, [string, string][]> = {}) {
  const dir = path.join(ROOT, 'policies', name);
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const full = path.join(d, f);
      if (statSync(full).isDirectory()) walk(full);
      else if (f.endsWith('.yaml')) files[path.relative(dir, full)] = readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  for (const [file, pairs] of Object.entries(edits)) {
    for (const [from, to] of pairs) {
      expect(files[file], `${file} contains ${from}`).toContain(from);
      files[file] = files[file]!.replace(from, to);
    }
  }
  return prepareSet(memorySet(name, files, readFileSync(path.join(dir, 'policyc.lock.json'), 'utf8')));
}

function side(label: string, sets: ReturnType<typeof editedSet>[]): Side {
  return { kind: 'folder', label, revision: null, path: label, sets };
}

describe('the matrix of a set', () => {
  it('has one row per permission, grouped by category in catalog order, and one column per role', () => {
    expect(crmView.roles.map((r) => r.name)).toEqual(crm.roles.map((r) => r.name));
    expect(crmView.categories.flatMap((c) => c.rows.map((r) => r.id)).sort()).toEqual(
      crm.permissions.map((p) => p.id).sort(),
    );
    expect(crmView.categories.map((c) => c.title)).toEqual(
      crm.categories.filter((c) => crm.permissions.some((p) => p.category === c.name)).map((c) => c.title),
    );
    expect(platformView.categories.flatMap((c) => c.rows)).toHaveLength(154);
    expect(crmView.detailed && platformView.detailed).toBe(true);
  });

  it('holds in every cell the role’s effective level (the tables of `access`)', () => {
    for (const [model, view] of [
      [crm, crmView],
      [platform, platformView],
    ] as const) {
      for (const r of view.categories.flatMap((c) => c.rows)) {
        view.roles.forEach((role, i) => {
          const expected = model.roleIndex.get(role.name)!.effective.get(r.id) ?? -1;
          expect(r.levels[i], `${role.name} ${r.id}`).toBe(expected);
          expect(r.cells![i]!.level).toBe(expected);
          expect(r.cells![i]!.via === null).toBe(expected < 0);
        });
      }
    }
  });

  it('says how a level is reached: direct, inherited from which role, implied by which grant, wildcard', () => {
    const teamLead = cell(crmView, 'team-lead', 'records:update');
    expect(teamLead).toMatchObject({
      levelName: 'group',
      via: 'direct',
      inheritedFrom: null,
      grant: 'records:update: group',
    });
    expect(teamLead.at).toMatch(/^policies\/crm\/roles\/team-lead\.yaml:\d+$/);

    const salesAgent = cell(crmView, 'sales-agent', 'records:delete');
    expect(salesAgent).toMatchObject({
      levelName: 'own',
      via: 'wildcard',
      inheritedFrom: null,
      grant: '"records:*": own',
    });

    const inherited = cell(crmView, 'team-lead', 'records:delete');
    expect(inherited).toMatchObject({
      levelName: 'own',
      via: 'wildcard',
      inheritedFrom: 'sales-agent',
      path: ['team-lead', 'sales-agent'],
    });

    const owner = cell(crmView, 'system-owner', 'users:deactivate');
    expect(owner).toMatchObject({ levelName: 'all', via: 'wildcard', grant: '"*"' });

    const implied = cell(platformView, 'automation-builder', 'agents:view');
    expect(implied).toMatchObject({
      via: 'implied',
      impliedBy: 'agents:create',
      implication: ['create', 'view'],
      levelName: null,
    });

    expect(cell(crmView, 'user', 'roles:configure')).toMatchObject({ level: -1, via: null, grant: null });
  });

  it('marks self-restricted and sensitive permissions', () => {
    expect(row(crmView, 'users:deactivate')).toMatchObject({ selfRestricted: true, scoped: true });
    expect(row(crmView, 'roles:configure').sensitive).toBe(true);
    expect(row(crmView, 'records:view')).toMatchObject({ selfRestricted: false, sensitive: false });
  });
});

describe('collections, users and the role graph', () => {
  it('gives each role’s mode, entries and what an entry unknown at build time gets', () => {
    const connectors = platformView.collections.find((c) => c.name === 'connectors')!;
    expect(connectors.entries.length).toBe(platform.collectionIndex.get('connectors')!.entries.length);
    const admin = connectors.roles.find((r) => r.role === 'platform-admin')!;
    expect(admin).toMatchObject({ mode: 'all', unknown: { rule: 'anywhere', entries: [] } });
    const engineer = connectors.roles.find((r) => r.role === 'integration-engineer')!;
    expect(engineer.mode).toBe('except');
    expect(engineer.entries).toEqual(
      expect.arrayContaining(['stripe', 'snowflake', 'salesforce/actions/delete-record']),
    );
    expect(engineer.unknownTop).toBe(true);
    // New entries follow their nearest known ancestor: denied below what is excluded, allowed elsewhere.
    expect(engineer.unknown.rule).toBe('except-below');
    expect([...engineer.unknown.entries].sort()).toEqual([...engineer.entries].sort());
    const builder = connectors.roles.find((r) => r.role === 'automation-builder')!;
    expect(builder.mode).toBe('allow');
    expect(builder.unknownTop).toBe(false);
    // Under `allow`, a new entry is allowed below a listed entry (a new Slack action), nowhere else.
    expect(builder.unknown).toEqual({ rule: 'only-below', entries: builder.entries });
    expect(builder.entries).toContain('salesforce/actions/create-record');
    expect(connectors.roles.find((r) => r.role === 'auditor')!.mode).not.toBe('all');
  });

  it('lists users with their roles, the default role applied, and their effective access', () => {
    const frank = crmView.users.find((u) => u.name === 'frank')!;
    expect(frank).toMatchObject({ roles: ['user'], defaulted: true });
    const grace = crmView.users.find((u) => u.name === 'grace')!;
    expect(grace.roles).toEqual(['sales-agent', 'marketing-manager']);
    expect(grace.held).toBe(rolesAccess(crm, grace.roles).permissions.size);
    expect(grace.access.flatMap((c) => c.permissions)).toHaveLength(grace.held);
    expect(grace.access.flatMap((c) => c.permissions)).toContainEqual({ id: 'records:update', level: 'own' });
    expect(crmView.roles.find((r) => r.name === 'user')!).toMatchObject({ isDefault: true });
    expect(crmView.roles.find((r) => r.name === 'user')!.users).toContain('frank');
  });

  it('lays the inheritance out in layers, parents above, every edge pointing up', () => {
    const g = crmView.graph;
    expect(g.drawn).toBe(true);
    expect(g.nodes).toHaveLength(crm.roles.length);
    expect(g.edges).toContainEqual({ from: 'team-lead', to: 'sales-agent' });
    const at = new Map(g.nodes.map((n) => [n.name, n]));
    for (const e of g.edges) expect(at.get(e.from)!.layer).toBeGreaterThan(at.get(e.to)!.layer);
    // No two boxes overlap.
    for (const a of g.nodes)
      for (const b of g.nodes) if (a !== b && a.y === b.y) expect(Math.abs(a.x - b.x)).toBeGreaterThanOrEqual(168);
    for (const n of g.nodes) expect(n.x + 168).toBeLessThanOrEqual(g.width);
  });
});

describe('change mode', () => {
  it('marks exactly the cells `policyc diff` reports, escalations included', () => {
    const base = editedSet('crm');
    const head = editedSet('crm', {
      'roles/team-lead.yaml': [['    - records:update: group\n', '    - records:update: all\n']],
      'roles/auditor.yaml': [['  grants:\n', '  grants:\n    - campaigns:view\n']],
    });
    expect(base.errors).toEqual([]);
    expect(head.errors).toEqual([]);
    const data = changeReport(side('base', [base]), side('head', [head]));
    const diff = buildReport(side('base', [base]), side('head', [head]));
    const view = data.sets[0]!;
    expect(data.mode).toBe('change');
    expect(view.change!.escalations).toEqual(diff.escalations);
    expect(data.change!.escalations.length).toBeGreaterThan(0);

    const widened = cell(view, 'team-lead', 'records:update');
    expect(widened.change).toEqual({ kind: 'widened', from: 'group', to: 'all', escalation: true });
    expect(widened.levelName).toBe('all');
    const gained = cell(view, 'auditor', 'campaigns:view');
    expect(gained.change).toMatchObject({ kind: 'gained', escalation: false });
    expect(row(view, 'records:update')).toMatchObject({ changed: true, escalated: true });
    expect(row(view, 'records:view').changed).toBe(false);
    expect(view.roles.find((r) => r.name === 'team-lead')!).toMatchObject({ status: 'changed', escalated: true });

    // Every delta of the diff is on a cell, and no other cell is marked.
    const expected = diff.sets[0]!.roles.flatMap((r) =>
      r.access.permissions.map((p) => `${r.role} ${p.permission} ${p.change}`),
    ).sort();
    const marked = view.categories
      .flatMap((c) => c.rows)
      .flatMap((r) => [...r.changes].map(([i, ch]) => `${view.roles[i]!.name} ${r.id} ${ch.kind}`))
      .sort();
    expect(marked).toEqual(expected);
    expect(view.change!.advice).toMatch(/calls for a minor bump \(1\.1\.0\)/);
    expect(view.users.find((u) => u.name === 'bob')!.change).not.toBeNull();
  });

  it('keeps a removed role as a column of lost cells, and narrowings as narrowed', () => {
    const base = editedSet('crm');
    const narrowed = editedSet('crm', { 'roles/team-lead.yaml': [['    - records:update: group\n', '']] });
    const data = changeReport(side('base', [base]), side('head', [narrowed]));
    const view = data.sets[0]!;
    expect(cell(view, 'team-lead', 'records:update').change).toEqual({
      kind: 'narrowed',
      from: 'group',
      to: 'own',
      escalation: false,
    });
    expect(view.change!.advice).toMatch(/major/);

    const retired = editedSet('crm', {
      'policyset.yaml': [
        [
          '  ownerRole: system-owner\n',
          '  ownerRole: system-owner\n  retiredRoles:\n    - name: support-agent\n      transferTo: sales-agent\n',
        ],
      ],
      'assignments.yaml': [['      roles: [support-agent]\n', '      roles: [sales-agent]\n']],
    });
    const files = Object.fromEntries(
      retired.analysis.source.files
        .filter((f) => !f.path.endsWith('support-agent.yaml'))
        .map((f) => [f.path.slice('crm/'.length), new TextDecoder().decode(f.bytes)]),
    );
    const removed = prepareSet(
      memorySet('crm', files, readFileSync(path.join(ROOT, 'policies/crm/policyc.lock.json'), 'utf8')),
    );
    expect(removed.errors).toEqual([]);
    const v2 = changeReport(side('base', [base]), side('head', [removed])).sets[0]!;
    const column = v2.roles.findIndex((r) => r.name === 'support-agent');
    expect(v2.roles[column]).toMatchObject({ status: 'removed' });
    const lost = v2.categories.flatMap((c) => c.rows).filter((r) => r.changes.get(column)?.kind === 'lost');
    expect(lost.length).toBe(base.model!.roleIndex.get('support-agent')!.effective.size);
    for (const r of lost) expect(r.levels[column]).toBe(-1);
  });
});
