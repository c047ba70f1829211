import { describe, expect, it } from 'vitest';
// The generated module of the shipped crm set, imported as an application would import it.
import {
  Permission,
  Role,
  Scope,
  can,
  check,
  permissions,
  policySet,
  roleNo,
  roles,
  subject,
  transferTarget,
  users,
  type PermissionId,
  type PermissionNo,
  type RoleId,
  type RoleNo,
  type ScopeNo,
  type Subject,
  widestScope,
} from '../generated/crm/index.js';
import * as lifecycle from './fixtures/golden/lifecycle/generated/lifecycle/index.js';
import { canUse, Role as PlatformRole, subject as platformSubject } from '../generated/platform/index.js';

/** The examples of README's "The generated API" section, kept compiling and true. */
describe('the generated API (README examples)', () => {
  it('answers checks on roles with numbers: the hot path', () => {
    expect(can(Role['sales-agent'], Permission['records:update'], Scope.own)).toBe(true);
    expect(can(Role['sales-agent'], Permission['records:update'], Scope.group)).toBe(false);
    expect(can(Role['sales-agent'], Permission['records:update'])).toBe(false); // default: the widest scope
    expect(can(Role['team-lead'], Permission['users:deactivate'], Scope.group)).toBe(true);
    expect(can(Role['team-lead'], Permission['users:deactivate'], Scope.group, true)).toBe(false); // never on oneself
  });

  it("combines a user's roles once into a subject", () => {
    const grace = subject([Role['sales-agent'], Role['marketing-manager']]);
    expect(grace.can(Permission['campaigns:manage'])).toBe(true);
    expect(grace.can(Permission['records:delete'], Scope.own)).toBe(true);
  });

  it('checks by ids, with typed ids', () => {
    const role: RoleId = 'auditor';
    const permission: PermissionId = 'audit-logs:view';
    expect(check(role, permission, 'all')).toBe(true);
    expect(check(['user', 'auditor'], 'records:delete', 'own')).toBe(false);
    expect(roleNo('team-lead')).toBe(Role['team-lead']);
  });

  it('checks collection entries, known and unknown', () => {
    const builder = PlatformRole['automation-builder'];
    expect(canUse(builder, 'connectors', 'slack/actions/send-message')).toBe(true);
    expect(canUse(builder, 'connectors', 'salesforce')).toBe(false);
    expect(
      platformSubject([PlatformRole['platform-admin']]).canUse('connectors', 'zendesk/actions/added-next-year'),
    ).toBe(true);
  });

  it('exports metadata, the set version and hash, and transfers', () => {
    expect(policySet).toMatchObject({ name: 'crm', version: '1.0.0', defaultRole: 'user', ownerRole: 'system-owner' });
    expect(policySet.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(permissions.find((p) => p.id === 'users:deactivate')).toMatchObject({
      title: 'Deactivate User',
      category: 'users',
      scoped: true,
      selfRestricted: true,
      sensitive: true,
    });
    expect(roles.find((r) => r.id === 'team-lead')).toMatchObject({ title: 'Team Lead', inherits: ['sales-agent'] });
    expect(users.find((u) => u.id === 'frank')).toMatchObject({ roles: ['user'], defaulted: true });
    expect(transferTarget('team-lead')).toBe('team-lead');
    expect(transferTarget('no-such-role')).toBeUndefined();
  });

  it('fails closed', () => {
    expect(can(9 as RoleNo, Permission['records:view'])).toBe(false);
    expect(can(Role.user, -1 as PermissionNo)).toBe(false);
    expect(roleNo('__proto__')).toBeUndefined();
    expect(canUse(PlatformRole['platform-admin'], 'connectors', 'a//b')).toBe(false);
  });

  it('gives a user with no roles the default role, and unknown roles nothing', () => {
    expect(policySet.defaultRole).toBe('user');
    expect(subject([]).roles).toEqual([Role.user]);
    expect(Role.user).toBe(7);
    expect(check([], 'records:view', 'own')).toBe(true);
    expect(check(['no-such-role' as RoleId], 'records:view', 'own')).toBe(false);
  });

  it('reads stored role ids: renamed, retired, unknown', () => {
    const read = lifecycle.storedRoles(['supervisor', 'agent', 'intern', 'lead']);
    expect(read.roles).toEqual(['lead', 'member']);
    expect(read.moved).toEqual([
      { from: 'supervisor', to: 'lead', reason: 'renamed' },
      { from: 'agent', to: 'member', reason: 'retired' },
    ]);
    expect(read.unknown).toEqual(['intern']);
    expect(read.subject.can(lifecycle.Permission['tickets:close'])).toBe(true);
  });

  it('maps a record to the scope it needs, and the widest level held to a list filter', () => {
    /** The narrowest scope that covers `record` for `user`. */
    function scopeFor(
      user: { id: string; groups: readonly string[] },
      record: { owner: string; group: string },
    ): ScopeNo {
      if (record.owner === user.id) return Scope.own;
      if (user.groups.includes(record.group)) return Scope.group;
      return Scope.all;
    }
    const alice = { id: 'alice', groups: ['emea'] };
    const agent = subject([Role['sales-agent']]);
    expect(agent.can(Permission['records:update'], scopeFor(alice, { owner: 'alice', group: 'emea' }))).toBe(true);
    expect(agent.can(Permission['records:update'], scopeFor(alice, { owner: 'bob', group: 'emea' }))).toBe(false);

    expect(widestScope(Role['sales-agent'], Permission['records:view'])).toBe(Scope.own);
    expect(widestScope(Role['team-lead'], Permission['records:view'])).toBe(Scope.group);
    expect(widestScope(Role.auditor, Permission['records:delete'])).toBeUndefined();
    function recordFilter(me: Subject, user: { id: string; groups: readonly string[] }) {
      switch (me.widestScope(Permission['records:view'])) {
        case Scope.all:
          return {};
        case Scope.group:
          return { group: { in: user.groups } };
        case Scope.own:
          return { owner: user.id };
        default:
          return undefined;
      }
    }
    expect(recordFilter(agent, alice)).toEqual({ owner: 'alice' });
    expect(recordFilter(subject([Role['team-lead']]), alice)).toEqual({ group: { in: ['emea'] } });
    expect(recordFilter(subject([Role.auditor]), alice)).toEqual({});
  });
});
