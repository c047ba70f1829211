import type { ScratchRepo } from './git-repo.js';

/**
 * Real changes to the shipped policy sets, as a reviewer would meet them in pull requests.
 * Each edits files of a ScratchRepo's working tree (the caller commits).
 */
export const CHANGES = {
  /** crm: Support Agents may now view campaigns. */
  addPermission(r: ScratchRepo): void {
    r.edit(
      'policies/crm/roles/support-agent.yaml',
      '    - ai-conversations:manage\n',
      '    - ai-conversations:manage\n    - campaigns:view\n',
    );
  },

  /** crm: Team Leads update the records of every group, not only their own group's. */
  widenScope(r: ScratchRepo): void {
    r.edit('policies/crm/roles/team-lead.yaml', '    - records:update: group\n', '    - records:update: all\n');
  },

  /** crm: Workflow Admins may now configure roles (sensitive). */
  grantSensitive(r: ScratchRepo): void {
    r.edit(
      'policies/crm/roles/workflow-admin.yaml',
      '    - system-logs:view\n',
      '    - system-logs:view\n    - roles:configure\n',
    );
  },

  /** crm: Marketing Manager becomes Campaign Manager; assignments keep the old key. */
  renameRole(r: ScratchRepo): void {
    r.edit(
      'policies/crm/roles/marketing-manager.yaml',
      '  name: marketing-manager\n',
      '  name: campaign-manager\n  previousNames: [marketing-manager]\n',
    );
    r.edit('policies/crm/roles/marketing-manager.yaml', '  title: Marketing Manager\n', '  title: Campaign Manager\n');
  },

  /** crm: Support Agent is retired; its users move to Sales Agent. */
  deleteRole(r: ScratchRepo): void {
    retireCrmRole(
      r,
      'support-agent',
      'sales-agent',
      [['      roles: [support-agent]\n', '      roles: [sales-agent]\n']],
      'Support merged into Sales.',
    );
  },

  /** crm: Auditor is deleted without saying where its users go (an error: the lockfile knows it). */
  deleteRoleWithoutTransfer(r: ScratchRepo): void {
    r.remove('policies/crm/roles/auditor.yaml');
    r.edit('policies/crm/assignments.yaml', '      roles: [auditor]\n', '      roles: [user]\n');
    r.edit('policies/crm/assignments.yaml', '      roles: [team-lead, auditor]', '      roles: [team-lead]');
  },

  /** platform: creating something now implies sharing it. */
  changeImplication(r: ScratchRepo): void {
    r.edit(
      'policies/platform/catalog/00-actions.yaml',
      '      implies: [view, edit, use]\n',
      '      implies: [view, edit, use, share]\n',
    );
  },

  /** platform: Automation Builders may use every app but Stripe and deleting Salesforce records. */
  connectorAllowToExcept(r: ScratchRepo): void {
    const file = 'policies/platform/roles/automation-builder.yaml';
    const text = r.read(file);
    const start = text.indexOf('    connectors:\n');
    const end = text.indexOf('    objects:\n');
    if (start < 0 || end < start) throw new Error(`no connectors rule in ${file}`);
    r.write(
      file,
      `${text.slice(0, start)}    connectors:\n      mode: except\n      entries: [stripe, salesforce/actions/delete-record]\n${text.slice(end)}`,
    );
  },

  /** platform: Automation Builders see every object's records. */
  objectsToAll(r: ScratchRepo): void {
    r.edit(
      'policies/platform/roles/automation-builder.yaml',
      "      mode: allow # together with member's customer and product\n      entries: [lead, order, ticket]\n",
      '      mode: all\n',
    );
  },

  /** crm: a new catalog permission, Transfer Calls (with its action). */
  addCatalogPermission(r: ScratchRepo): void {
    r.edit(
      'policies/crm/catalog/00-actions.yaml',
      '    - name: make-outbound\n',
      '    - name: transfer\n      title: Transfer\n    - name: make-outbound\n',
    );
    r.edit(
      'policies/crm/catalog/02-calls.yaml',
      '  permissions:\n',
      '  permissions:\n    - id: calls:transfer\n      title: Transfer Calls\n      description: Hand a live call over to another user\n',
    );
  },

  /** platform: a new role that grants everything. */
  addAllPowerfulRole(r: ScratchRepo): void {
    r.write(
      'policies/platform/roles/break-glass.yaml',
      'apiVersion: policyc/v1\nkind: Role\nmetadata:\n  name: break-glass\nspec:\n  title: Break Glass\n  description: Emergency access for incidents.\n  grants:\n    - "*"\n',
    );
  },

  /** crm: the lockfile numbers of records:view and records:update are swapped (a hand edit, or a bad merge). */
  swapLockNumbers(r: ScratchRepo): void {
    r.edit('policies/crm/policyc.lock.json', '"records:view": 45,', '"records:view": 47,');
    r.edit('policies/crm/policyc.lock.json', '"records:update": 47,', '"records:update": 45,');
  },

  /** crm: an entry is deleted from the lockfile; the next build gives the permission a fresh number. */
  deleteLockEntry(r: ScratchRepo): void {
    r.edit('policies/crm/policyc.lock.json', '      "campaigns:view": 5,\n', '');
  },

  /** crm becomes crm-next (folder, PolicySet and lockfile renamed, no previousNames), and a new user holds the owner role. */
  renameSetAddOwner(r: ScratchRepo): void {
    renameCrm(r, false);
  },

  /** The same rename, with the lockfile not rebuilt: it still names `crm`, which identifies the set. */
  renameSetLockfileIdentity(r: ScratchRepo): void {
    r.git('mv', 'policies/crm', 'policies/crm-next');
    r.edit('policies/crm-next/policyset.yaml', '  name: crm\n', '  name: crm-next\n');
  },

  /** The same rename, declared: the PolicySet lists `crm` in metadata.previousNames. */
  renameSetDeclared(r: ScratchRepo): void {
    renameCrm(r, true);
  },

  /** crm: a new scoped permission, Export Records (with its action), that no role names: only wildcards reach it. */
  addScopedCatalogPermission(r: ScratchRepo): void {
    r.edit(
      'policies/crm/catalog/00-actions.yaml',
      '    - name: make-outbound\n',
      '    - name: export\n      title: Export\n      implies: [view]\n    - name: make-outbound\n',
    );
    r.edit(
      'policies/crm/catalog/12-crm-modules.yaml',
      '    - id: records:create\n',
      '    - id: records:export\n      title: Export\n      description: Export only own records, or group members’ records, or all records depending on access level\n      scoped: true\n    - id: records:create\n',
    );
  },

  /** crm: a new scoped permission on groups, which CRM Admin holds as `"groups:*": all` (a non-owner wildcard at the widest level). */
  addGroupsPermission(r: ScratchRepo): void {
    r.edit(
      'policies/crm/catalog/00-actions.yaml',
      '    - name: make-outbound\n',
      '    - name: archive\n      title: Archive\n    - name: make-outbound\n',
    );
    r.edit(
      'policies/crm/catalog/06-groups.yaml',
      '  permissions:\n',
      '  permissions:\n    - id: groups:archive\n      title: Archive Group\n      description: Archive only own groups, or groups the user belongs to, or all groups\n      scoped: true\n',
    );
  },

  /** crm: a new resource, Notes, with one permission. */
  addResource(r: ScratchRepo): void {
    r.edit(
      'policies/crm/catalog/12-crm-modules.yaml',
      '  permissions:\n',
      '    - name: notes\n      title: Notes\n      category: crm-modules\n  permissions:\n    - id: notes:view\n      title: View Notes\n      description: Read the notes on CRM records\n',
    );
  },

  /** crm: Auditor is retired and its users move to the owner role. */
  retireRoleToOwner(r: ScratchRepo): void {
    retireCrmRole(r, 'auditor', 'system-owner', [
      ['      roles: [auditor]\n', '      roles: [system-owner]\n'],
      ['      roles: [team-lead, auditor]', '      roles: [team-lead, system-owner]'],
    ]);
  },

  /** crm: the owner role's `"*"` is replaced by one permission. */
  shrinkOwner(r: ScratchRepo): void {
    r.edit('policies/crm/roles/system-owner.yaml', '    - "*"\n', '    - global-settings:edit\n');
  },

  /** crm: the owner role is retired, its users moved to CRM Admin. */
  retireOwner(r: ScratchRepo): void {
    retireCrmRole(r, 'system-owner', 'crm-admin', [['      roles: [system-owner]\n', '      roles: [crm-admin]\n']]);
  },

  /** crm: Auditor is deleted while its users still hold it (no transfer, no reassignment). */
  deleteRoleStillAssigned(r: ScratchRepo): void {
    r.remove('policies/crm/roles/auditor.yaml');
  },

  /** crm: creating a record now implies viewing it; `records:create` is unscoped, `records:view` scoped. */
  createImpliesView(r: ScratchRepo): void {
    r.edit(
      'policies/crm/catalog/00-actions.yaml',
      '    - name: create\n      title: Create\n',
      '    - name: create\n      title: Create\n      implies: [view]\n',
    );
  },
} satisfies Record<string, (r: ScratchRepo) => void>;

function renameCrm(r: ScratchRepo, declared: boolean): void {
  r.git('mv', 'policies/crm', 'policies/crm-next');
  r.edit(
    'policies/crm-next/policyset.yaml',
    '  name: crm\n',
    declared ? '  name: crm-next\n  previousNames: [crm]\n' : '  name: crm-next\n',
  );
  r.edit('policies/crm-next/policyc.lock.json', '"set": "crm"', '"set": "crm-next"');
  r.edit(
    'policies/crm-next/assignments.yaml',
    '  users:\n',
    '  users:\n    - name: oscar\n      title: Oscar Reyes\n      roles: [system-owner]\n',
  );
}

/** Retires a crm role the way the language prescribes: its document goes, retiredRoles names the transfer, assignments are edited (`[from, to]`). */
function retireCrmRole(
  r: ScratchRepo,
  role: string,
  transferTo: string,
  assignments: [string, string][],
  reason?: string,
): void {
  r.remove(`policies/crm/roles/${role}.yaml`);
  r.edit(
    'policies/crm/policyset.yaml',
    '  ownerRole: system-owner\n',
    `  ownerRole: system-owner\n  retiredRoles:\n    - name: ${role}\n      transferTo: ${transferTo}\n${reason ? `      reason: ${reason}\n` : ''}`,
  );
  for (const [from, to] of assignments) r.edit('policies/crm/assignments.yaml', from, to);
}
