/**
 * Every diagnostic policyc can report, with its stable code. Codes never change meaning and are
 * never reused: CI scripts and editor integrations may match on them.
 *
 * PC1xx reading and parsing files, PC2xx the JSON Schema, PC3xx references, PC4xx semantic
 * rules, PC5xx warnings for reviewers, PC6xx the lockfile and generated output, PC7xx stored
 * run-time role definitions under review (`--custom-roles`), PC9xx usage and internal errors.
 */
export const CODES = {
  // Reading and parsing
  PC101: { name: 'yaml-syntax', severity: 'error', summary: 'The file is not well-formed YAML.' },
  PC102: { name: 'yaml-duplicate-key', severity: 'error', summary: 'A mapping has the same key twice.' },
  PC103: {
    name: 'yaml-alias',
    severity: 'error',
    summary:
      'Anchors, aliases and merge keys are not allowed: policies are written out in full so reviewers see every grant.',
  },
  PC104: {
    name: 'yaml-tag',
    severity: 'error',
    summary: 'Explicit YAML tags (`!foo`, `!!binary`) are not allowed in policy files.',
  },
  PC105: { name: 'empty-file', severity: 'error', summary: 'The file holds no YAML document.' },
  PC106: { name: 'not-utf8', severity: 'error', summary: 'The file is not valid UTF-8 text.' },
  PC107: { name: 'file-too-large', severity: 'error', summary: 'The file is larger than the limit for a policy file.' },
  PC108: { name: 'unreadable-file', severity: 'error', summary: 'The file could not be read.' },
  PC109: { name: 'complex-key', severity: 'error', summary: 'A mapping key is not a plain string.' },
  PC110: {
    name: 'yaml-version',
    severity: 'error',
    summary: 'A `%YAML` directive asks for a YAML version other than 1.2.',
  },
  PC111: {
    name: 'control-character',
    severity: 'error',
    summary: 'A name, title or description holds a control character (written as a YAML escape such as `"\\x1b"`).',
  },
  PC112: {
    name: 'grants-in-description',
    severity: 'warning',
    summary: 'A description holds lines that read as grants: probably grants indented under it by mistake.',
  },

  // JSON Schema
  PC201: { name: 'unknown-field', severity: 'error', summary: 'A field that the schema does not define.' },
  PC202: { name: 'missing-field', severity: 'error', summary: 'A required field is missing.' },
  PC203: { name: 'wrong-type', severity: 'error', summary: 'A value has the wrong type.' },
  PC204: { name: 'invalid-value', severity: 'error', summary: 'A value does not match the allowed form.' },
  PC205: {
    name: 'unsupported-api-version',
    severity: 'error',
    summary: 'The document names an apiVersion policyc does not know.',
  },
  PC206: { name: 'unknown-kind', severity: 'error', summary: 'The document names a kind policyc does not know.' },

  // References
  PC301: {
    name: 'unknown-permission',
    severity: 'error',
    summary: 'A grant names a permission that is not in the catalog.',
  },
  PC302: { name: 'unknown-role', severity: 'error', summary: 'A reference names a role that does not exist.' },
  PC303: { name: 'unknown-scope', severity: 'error', summary: 'A grant names a scope level the set does not declare.' },
  PC304: {
    name: 'unknown-collection',
    severity: 'error',
    summary: 'A role names a collection the catalog does not declare.',
  },
  PC305: {
    name: 'unknown-collection-entry',
    severity: 'error',
    summary: 'A role lists a collection entry the catalog does not declare.',
  },
  PC306: {
    name: 'undeclared-resource',
    severity: 'error',
    summary: 'A permission or grant names a resource that is not declared.',
  },
  PC307: {
    name: 'undeclared-action',
    severity: 'error',
    summary: 'A permission or implication names an action that is not declared.',
  },
  PC308: {
    name: 'unknown-category',
    severity: 'error',
    summary: 'A resource or permission names a category that is not declared.',
  },
  PC309: {
    name: 'assigned-retired-role',
    severity: 'error',
    summary: 'A user is assigned a role that has been retired.',
  },

  // Semantic rules
  PC401: { name: 'duplicate-key', severity: 'error', summary: 'Two definitions share the same key.' },
  PC402: {
    name: 'duplicate-title',
    severity: 'error',
    summary: 'Two roles share a title once case, white space and look-alike characters are folded.',
  },
  PC403: { name: 'colliding-keys', severity: 'error', summary: 'Two keys differ only by case or separators.' },
  PC404: { name: 'inheritance-cycle', severity: 'error', summary: 'Roles inherit from each other in a cycle.' },
  PC405: { name: 'implication-cycle', severity: 'error', summary: 'Actions imply each other in a cycle.' },
  PC406: {
    name: 'scope-required',
    severity: 'error',
    summary: 'A grant of a scoped permission does not name its level.',
  },
  PC407: {
    name: 'scope-not-applicable',
    severity: 'error',
    summary: 'A grant names a level for a permission that is not scoped.',
  },
  PC408: { name: 'wildcard-misuse', severity: 'error', summary: 'A wildcard is used where it is not allowed.' },
  PC409: {
    name: 'missing-policy-set',
    severity: 'error',
    summary: 'The set has no PolicySet document, or more than one.',
  },
  PC410: {
    name: 'retired-role-conflict',
    severity: 'error',
    summary: 'A retired role is still defined, or its transfer target is not an active role.',
  },
  PC411: {
    name: 'collection-mode-not-allowed',
    severity: 'error',
    summary: 'A role uses a collection mode the collection does not offer.',
  },
  PC412: {
    name: 'collection-entries-misuse',
    severity: 'error',
    summary: 'Entries are listed where the mode takes none, or missing where it needs them.',
  },
  PC413: { name: 'duplicate-entry', severity: 'error', summary: 'A list names the same item twice.' },
  PC414: {
    name: 'previous-name-conflict',
    severity: 'error',
    summary: 'A previous name is also a current key or another previous name.',
  },
  PC415: {
    name: 'scoped-without-scopes',
    severity: 'error',
    summary: 'A permission is scoped but the set declares no scopes.',
  },
  PC416: { name: 'self-inheritance', severity: 'error', summary: 'A role inherits from itself.' },
  PC417: { name: 'set-name-mismatch', severity: 'error', summary: 'The PolicySet name does not match its folder.' },

  // Warnings for reviewers
  PC501: { name: 'grants-everything', severity: 'warning', summary: 'A role other than the owner role grants `*`.' },
  PC502: { name: 'missing-description', severity: 'warning', summary: 'A role has no description.' },
  PC503: {
    name: 'previous-name-reference',
    severity: 'warning',
    summary: 'A reference uses a previous (renamed) key.',
  },
  PC504: {
    name: 'bidi-control',
    severity: 'warning',
    summary: 'Text holds invisible bidirectional control characters that can disguise what it says.',
  },
  PC505: {
    name: 'redundant-grant',
    severity: 'warning',
    summary: 'A grant adds nothing: the role already has it through inheritance or another grant.',
  },
  PC506: { name: 'unused-scope', severity: 'warning', summary: 'The set declares scopes but no permission is scoped.' },
  PC510: {
    name: 'implied-widest-scope',
    severity: 'warning',
    summary: 'An unscoped grant implies a scoped permission, which it gives at the widest level without saying so.',
  },

  // Lockfile and generated output
  PC601: {
    name: 'role-removed-without-transfer',
    severity: 'error',
    summary: 'A role in the lockfile was removed without naming where its users go.',
  },
  PC602: { name: 'lockfile-stale', severity: 'error', summary: 'The lockfile would change, and --locked forbids it.' },
  PC603: { name: 'lockfile-invalid', severity: 'error', summary: 'The lockfile cannot be read.' },
  PC604: {
    name: 'generated-stale',
    severity: 'error',
    summary: 'Generated output does not match the policies (build --check).',
  },
  PC605: { name: 'write-failed', severity: 'error', summary: 'Generated output could not be written.' },
  PC606: {
    name: 'generated-mixed',
    severity: 'error',
    summary: 'Generated output mixes two builds, or uses numbers the lockfile does not record (an interrupted build).',
  },
  PC610: {
    name: 'owner-role-incomplete',
    severity: 'error',
    summary: 'The owner role does not hold every permission at the widest level.',
  },
  PC611: {
    name: 'protected-role-removed',
    severity: 'error',
    summary: 'The owner role or the default role is retired or deleted.',
  },

  // Stored run-time role definitions (`diff` and `explain` with --custom-roles)
  PC701: {
    name: 'custom-roles-file',
    severity: 'error',
    summary: 'A file of stored run-time role definitions cannot be read, is not JSON, or is not in the expected shape.',
  },
  PC702: {
    name: 'custom-role-rejected',
    severity: 'error',
    summary:
      "A stored run-time role definition is rejected by the set's defineRole: the application could not load it.",
  },
  PC703: {
    name: 'custom-role-changed',
    severity: 'warning',
    summary:
      'A stored run-time role definition loads changed: a renamed id mapped, a retired role followed, a permission that no longer exists left out.',
  },

  // Usage and internal
  PC901: { name: 'usage', severity: 'error', summary: 'The command line is wrong.' },
  PC902: { name: 'no-policy-sets', severity: 'error', summary: 'No policy set was found at the given path.' },
  PC903: {
    name: 'unknown-revision',
    severity: 'error',
    summary: 'A diff side names neither a git revision nor a folder, or git cannot read it.',
  },
  PC904: {
    name: 'unknown-name',
    severity: 'error',
    summary: 'A role, user, permission or scope named on the command line does not exist.',
  },
  PC905: {
    name: 'ambiguous-name',
    severity: 'error',
    summary: 'A name on the command line matches several roles, users, permissions or sets.',
  },
  PC999: { name: 'internal-error', severity: 'error', summary: 'policyc failed; this is a bug in policyc.' },
} as const satisfies Record<string, { name: string; severity: 'error' | 'warning'; summary: string }>;

/** A stable diagnostic code such as `PC301`. */
export type DiagnosticCode = keyof typeof CODES;
