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
  type RoleId,
} from '../generated/crm/index.js';
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

  it('combines a user\'s roles once into a subject', () => {
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
    expect(platformSubject([PlatformRole['platform-admin']]).canUse('connectors', 'zendesk/actions/added-next-year')).toBe(true);
  });

  it('exports metadata, the set version and hash, and transfers', () => {
    expect(policySet).toMatchObject({ name: 'crm', version: '1.0.0', defaultRole: 'user', ownerRole: 'system-owner' });
    expect(policySet.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(permissions.find((p) => p.id === 'users:deactivate')).toMatchObject({ title: 'Deactivate User', category: 'users', scoped: true, selfRestricted: true, sensitive: true });
    expect(roles.find((r) => r.id === 'team-lead')).toMatchObject({ title: 'Team Lead', inherits: ['sales-agent'] });
    expect(users.find((u) => u.id === 'frank')).toMatchObject({ roles: ['user'], defaulted: true });
    expect(transferTarget('team-lead')).toBe('team-lead');
    expect(transferTarget('no-such-role')).toBeUndefined();
  });
});
