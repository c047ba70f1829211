/**
 * Custom roles stored in a database, as README.md ("Roles defined at run time") shows them:
 * `npx tsx docs/examples/custom-roles.ts`. The table is an array here; in an application it is
 * `SELECT id, definition FROM custom_roles` with `definition` a JSON column.
 * test/define-role-example.test.ts runs this file and compares its output with the README.
 */
import { defineRole, Permission, Role, roleNo, Scope, subject } from '../../generated/crm/index.js';

// The table: one row per custom role, the definition as the application stored it.
const customRoles = [
  {
    id: 'night-shift',
    definition:
      '{"id":"night-shift","title":"Night Shift","inherits":["user"],"grants":[{"records:update":"group"},"emails:view"]}',
  },
  {
    id: 'qa-listener',
    definition: '{"id":"qa-listener","title":"QA Listener","grants":["call-recordings:listen","call-logs:view"]}',
  },
];

// At start: define every stored role. A stored definition is trusted (it was checked when it
// was saved), so no grantedBy here; warnings say what a newer catalog changed.
for (const row of customRoles) {
  const r = defineRole(JSON.parse(row.definition));
  console.log(row.id, r.ok ? `→ role ${r.role}` : r.errors, r.warnings.length > 0 ? r.warnings : '');
}

// A user's stored role ids mix compiled and custom roles; roleNo knows both.
const alice = subject(['sales-agent', 'night-shift'].map((id) => roleNo(id)!));
console.log('alice updates a group record:', alice.can(Permission['records:update'], Scope.group));
console.log('alice updates any record:', alice.can(Permission['records:update'], Scope.all));

// An edit from the role screen, by a Team Lead: widen Night Shift to delete all records.
const teamLead = subject([Role['team-lead']]);
const edit = {
  id: 'night-shift',
  title: 'Night Shift',
  inherits: ['user'],
  grants: [{ 'records:update': 'group' }, { 'records:delete': 'all' }, 'emails:view'],
};
const rejected = defineRole(edit, { grantedBy: teamLead });
console.log(JSON.stringify(rejected, null, 2));

// The same screen, a narrower edit: accepted; store the canonical form it returns.
const accepted = defineRole(
  { ...edit, grants: [{ 'records:update': 'group' }, { 'records:view': 'group' }] },
  { grantedBy: teamLead },
);
if (accepted.ok) {
  customRoles[0]!.definition = JSON.stringify(accepted.definition); // UPDATE custom_roles SET definition = ? WHERE id = ?
  console.log('stored:', customRoles[0]!.definition);
  console.log('same number after the edit:', accepted.role === roleNo('night-shift'));
}
