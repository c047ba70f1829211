import type { ScratchRepo } from './git-repo.js';

/**
 * Real changes to the shipped policy sets, as a reviewer would meet them in pull requests.
 * Each edits files of a ScratchRepo's working tree (the caller commits).
 */
export const CHANGES = {
  /** crm: Support Agents may now view campaigns. */
  addPermission(r: ScratchRepo): void {
    r.edit('policies/crm/roles/support-agent.yaml', '    - ai-conversations:manage\n', '    - ai-conversations:manage\n    - campaigns:view\n');
  },

  /** crm: Team Leads update the records of every group, not only their own group's. */
  widenScope(r: ScratchRepo): void {
    r.edit('policies/crm/roles/team-lead.yaml', '    - records:update: group\n', '    - records:update: all\n');
  },

  /** crm: Workflow Admins may now configure roles (sensitive). */
  grantSensitive(r: ScratchRepo): void {
    r.edit('policies/crm/roles/workflow-admin.yaml', '    - system-logs:view\n', '    - system-logs:view\n    - roles:configure\n');
  },

  /** crm: Marketing Manager becomes Campaign Manager; assignments keep the old key. */
  renameRole(r: ScratchRepo): void {
    r.edit('policies/crm/roles/marketing-manager.yaml', '  name: marketing-manager\n', '  name: campaign-manager\n  previousNames: [marketing-manager]\n');
    r.edit('policies/crm/roles/marketing-manager.yaml', '  title: Marketing Manager\n', '  title: Campaign Manager\n');
  },

  /** crm: Support Agent is retired; its users move to Sales Agent. */
  deleteRole(r: ScratchRepo): void {
    r.remove('policies/crm/roles/support-agent.yaml');
    r.edit(
      'policies/crm/policyset.yaml',
      '  ownerRole: system-owner\n',
      '  ownerRole: system-owner\n  retiredRoles:\n    - name: support-agent\n      transferTo: sales-agent\n      reason: Support merged into Sales.\n',
    );
    r.edit('policies/crm/assignments.yaml', '      roles: [support-agent]\n', '      roles: [sales-agent]\n');
  },

  /** crm: Auditor is deleted without saying where its users go (an error: the lockfile knows it). */
  deleteRoleWithoutTransfer(r: ScratchRepo): void {
    r.remove('policies/crm/roles/auditor.yaml');
    r.edit('policies/crm/assignments.yaml', '      roles: [auditor]\n', '      roles: [user]\n');
    r.edit('policies/crm/assignments.yaml', '      roles: [team-lead, auditor]', '      roles: [team-lead]');
  },

  /** platform: creating something now implies sharing it. */
  changeImplication(r: ScratchRepo): void {
    r.edit('policies/platform/catalog/00-actions.yaml', '      implies: [view, edit, use]\n', '      implies: [view, edit, use, share]\n');
  },

  /** platform: Automation Builders may use every app but Stripe and deleting Salesforce records. */
  connectorAllowToExcept(r: ScratchRepo): void {
    const file = 'policies/platform/roles/automation-builder.yaml';
    const text = r.read(file);
    const start = text.indexOf('    connectors:\n');
    const end = text.indexOf('    objects:\n');
    if (start < 0 || end < start) throw new Error(`no connectors rule in ${file}`);
    r.write(file, `${text.slice(0, start)}    connectors:\n      mode: except\n      entries: [stripe, salesforce/actions/delete-record]\n${text.slice(end)}`);
  },

  /** platform: Automation Builders see every object's records. */
  objectsToAll(r: ScratchRepo): void {
    r.edit('policies/platform/roles/automation-builder.yaml', '      mode: allow # together with member\'s customer and product\n      entries: [lead, order, ticket]\n', '      mode: all\n');
  },

  /** crm: a new catalog permission, Transfer Calls (with its action). */
  addCatalogPermission(r: ScratchRepo): void {
    r.edit('policies/crm/catalog/00-actions.yaml', '    - name: make-outbound\n', '    - name: transfer\n      title: Transfer\n    - name: make-outbound\n');
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
} satisfies Record<string, (r: ScratchRepo) => void>;
