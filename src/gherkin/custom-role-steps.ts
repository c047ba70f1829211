import { ReferenceEvaluator } from '../evaluate/reference.js';
import { fileSpan } from '../diagnostics/span.js';
import type { Model } from '../model/model.js';
import { customRoleInfo, type Problem, type RoleModule } from '../review/stored-roles.js';
import { fail, StepFailure } from './failure.js';
import {
  fold,
  parseTail,
  permissionCell,
  quotedList,
  resolvePermission,
  resolveRole,
  resolveSubject,
} from './scenario-names.js';
import type { GeneratedModule } from './module.js';
import type { LoadedSet } from './sets.js';
import { currentSet, type ScenarioState } from './state.js';

/**
 * Steps for roles defined at run time (issue 18): a scenario defines a custom role on the set's
 * generated module with `defineRole`, as an application's role editor does, and checks it with
 * the usual steps (`Then the role "Night Shift" can …`); or checks that a definition is rejected
 * (a typo, a missing level, an escalation by its creator). Phrased like the change steps
 * (`a role … is created with these permissions:`, `the change is rejected because …`).
 *
 * Each scenario defines its roles in a namespace of its own (`scenario-<n>/<id>`), so scenarios
 * sharing a loaded module never see each other's roles. The role joins the scenario's view of
 * the model with its grants as written, so every check is still cross-checked: the module's
 * rows against the reference evaluator reading those grants.
 */

/** A module that defines roles. */
type DefiningModule = GeneratedModule & RoleModule;

/** The state's namespace: one per scenario. */
const namespaces = new WeakMap<ScenarioState, string>();
let scenarios = 0;
function namespaceOf(state: ScenarioState): string {
  let ns = namespaces.get(state);
  if (ns === undefined) namespaces.set(state, (ns = `scenario-${++scenarios}`));
  return ns;
}

/** "Night Shift" → "night-shift": the id an application's editor would give the role. */
function idOf(title: string): string {
  const id = title
    .toLowerCase()
    .replace(/[^a-z0-9_.]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (id === '') fail(`cannot make a role id of "${title}": give the custom role a name with letters or digits`);
  return id;
}

/** Drops a header row (`| permission | level |`). */
function rows(table: readonly (readonly string[])[] | undefined): (readonly string[])[] {
  const out = [...(table ?? [])];
  if (out.length > 0 && ['permission', 'permissions', 'grant', 'grants'].includes(fold(out[0]![0] ?? ''))) out.shift();
  return out;
}

/**
 * The grants of a table as a definition writes them: a permission by id or title (`*` and
 * `resource:*` as written), with its level in the second column. With `strict` false (a
 * definition expected to be rejected), what does not resolve is passed as written, so that
 * defineRole is the one to judge it.
 */
function grantsOf(set: LoadedSet, table: readonly (readonly string[])[] | undefined, strict: boolean): unknown[] {
  const attempt = <T>(f: () => T, fallback: T): T => {
    if (strict) return f();
    try {
      return f();
    } catch (error) {
      if (error instanceof StepFailure) return fallback;
      throw error;
    }
  };
  return rows(table).map((row) => {
    const cell = (row[0] ?? '').trim();
    const levelText = (row[1] ?? '').trim();
    const id =
      cell === '*' || cell.endsWith(':*')
        ? cell
        : attempt(() => {
            const c = permissionCell(cell);
            return resolvePermission(set, c.name, c.qualifier).id;
          }, cell);
    if (levelText === '') return id;
    const level = attempt(() => {
      const l = parseTail(set, levelText).level;
      return typeof l !== 'number' ? levelText : (set.model.scopes[l]?.name ?? levelText);
    }, levelText);
    return { [id]: level };
  });
}

function definitionOf(
  set: LoadedSet,
  name: string,
  inherits: string | undefined,
  table: readonly (readonly string[])[] | undefined,
  strict: boolean,
) {
  const parents =
    inherits === undefined
      ? []
      : quotedList(inherits).map((r) => (strict ? resolveRole(set, r).name : tryRole(set, r)));
  return {
    id: idOf(name),
    title: name,
    ...(parents.length > 0 ? { inherits: parents } : {}),
    grants: grantsOf(set, table, strict),
  };
}

function tryRole(set: LoadedSet, text: string): string {
  try {
    return resolveRole(set, text).name;
  } catch (error) {
    if (error instanceof StepFailure) return text;
    throw error;
  }
}

/** The creator's subject in the module: the roles of a user (or of `the role "…"`) the scenario names. */
function creatorOf(state: ScenarioState, set: LoadedSet, who: string): unknown {
  const g = set.module as DefiningModule;
  const subject = resolveSubject(set, state.users, `"${who}"`);
  return g.subject(subject.roles.map((r) => g.Role[r] ?? (g as unknown as { roleNo(id: string): number }).roleNo(r)));
}

function problems(list: readonly Problem[]): string {
  return list.map((p) => `  ${p.path || '(the definition)'}: ${p.reason}${p.hint ? ` (${p.hint})` : ''}`).join('\n');
}

/** Defines the role on the module and adds it to the scenario's view of the set; fails with defineRole's errors. */
function define(
  state: ScenarioState,
  name: string,
  inherits: string | undefined,
  table: readonly (readonly string[])[] | undefined,
  by: string | undefined,
): void {
  const set = currentSet(state);
  const g = set.module as DefiningModule;
  const definition = definitionOf(set, name, inherits, table, true);
  const namespace = namespaceOf(state);
  const grantedBy = by === undefined ? undefined : creatorOf(state, set, by);
  const r = g.defineRole(definition, by === undefined ? { namespace } : { namespace, grantedBy });
  if (!r.ok)
    fail(
      `defining the custom role "${name}"${by ? ` as ${by}` : ''} was rejected:\n${problems(r.errors)}\n${JSON.stringify(definition)}`,
    );
  const role = customRoleInfo(set.model, g, r.role, r.id, r.definition, r.warnings, () =>
    fileSpan(`custom role "${name}"`),
  );
  const model: Model = {
    ...set.model,
    roles: [...set.model.roles.filter((x) => x.name !== r.id), role],
    roleIndex: new Map([...set.model.roleIndex, [r.id, role]]),
    // The role's own id reads as it in the scenario (as a previous key does).
    roleAliases: set.model.roleIndex.has(definition.id)
      ? set.model.roleAliases
      : new Map([...set.model.roleAliases, [definition.id, r.id]]),
  };
  state.set = { ...set, model, evaluator: new ReferenceEvaluator(model) };
}

/** The steps, registered with the rest of the library (definitions.ts). */
export const CUSTOM_ROLE_STEPS = [
  {
    keyword: 'Given',
    group: 'Custom roles',
    phrase: 'a custom role "<name>" [inheriting "<role>"[ and "<role>"]] with these permissions:',
    pattern: /^a custom role "([^"]*)"(?: inheriting ((?:"[^"]*"(?:, | and ))*"[^"]*"))? with these permissions:$/,
    table: true,
    description:
      "Defines a role at run time with the generated module's `defineRole`, as an application's role editor does: one permission per row (id or title, or `*`, `resource:*`), its level in a second column for scoped permissions; it may inherit compiled roles. The role's id is its name in kebab case (`night-shift`); later steps name it by either. The definition must be accepted. Define custom roles after the scenario's changes: a change recompiles the set without them.",
    examples: [
      'Given a custom role "Night Shift" inheriting "User" with these permissions:\n  | permission     | level |\n  | records:update | group |\n  | emails:view    |       |',
    ],
    run: (
      state: ScenarioState,
      [name, inherits]: readonly (string | undefined)[],
      table: readonly (readonly string[])[] | undefined,
    ) => define(state, name ?? '', inherits, table, undefined),
  },
  {
    keyword: 'Given',
    group: 'Custom roles',
    phrase: '"<user>" defines a custom role "<name>" [inheriting "<role>"…] with these permissions:',
    pattern:
      /^(?:the user )?"([^"]*)" defines a custom role "([^"]*)"(?: inheriting ((?:"[^"]*"(?:, | and ))*"[^"]*"))? with these permissions:$/,
    table: true,
    description:
      'Defines a custom role with the user as its creator (`defineRole(…, { grantedBy })`): it must not grant anything the user does not hold at that level or wider, nor inherit a role the user does not fully hold. The definition must be accepted.',
    examples: [
      'Given "frank" defines a custom role "Desk Lead" with these permissions:\n  | permission   | level |\n  | records:view | group |',
    ],
    run: (
      state: ScenarioState,
      [user, name, inherits]: readonly (string | undefined)[],
      table: readonly (readonly string[])[] | undefined,
    ) => define(state, name ?? '', inherits, table, user),
  },
  {
    keyword: 'Then',
    group: 'Custom roles',
    phrase:
      'defining a custom role "<name>" [as "<user>"] [inheriting "<role>"…] with these permissions is rejected [because "<text>"]:',
    pattern:
      /^defining a custom role "([^"]*)"(?: as "([^"]*)")?(?: inheriting ((?:"[^"]*"(?:, | and ))*"[^"]*"))? with these permissions is rejected(?: because "([^"]*)")?:$/,
    table: true,
    description:
      "Checks that `defineRole` rejects the definition (with an error whose reason or hint contains the text, any case), with the user as creator when `as` names one: an escalation. Names that do not resolve are passed as written, so typos and missing levels can be tested. The scenario's set is not changed.",
    examples: [
      'Then defining a custom role "Wide Lead" as "frank" with these permissions is rejected because "which the creator does not hold":\n  | permission     | level |\n  | records:delete | all   |',
      'Then defining a custom role "Sloppy" with these permissions is rejected because "must name a level":\n  | permission     | level |\n  | records:update |       |',
    ],
    run: (
      state: ScenarioState,
      [name, by, inherits, text]: readonly (string | undefined)[],
      table: readonly (readonly string[])[] | undefined,
    ) => {
      const set = currentSet(state);
      const g = set.module as DefiningModule;
      const definition = definitionOf(set, name ?? '', inherits, table, false);
      const options = by === undefined ? {} : { grantedBy: creatorOf(state, set, by) };
      // checkRoleDefinition: the same rules, nothing installed.
      const r = (g as unknown as { checkRoleDefinition: RoleModule['defineRole'] }).checkRoleDefinition(
        definition,
        options,
      );
      if (r.ok)
        fail(`defining the custom role "${name}"${by ? ` as ${by}` : ''} was accepted: ${JSON.stringify(definition)}`);
      if (text) {
        const plain = (t: string) => fold(t).replace(/[`"'“”]/g, '');
        const needle = plain(text);
        if (!r.errors.some((e) => plain(e.reason).includes(needle) || plain(e.hint ?? '').includes(needle)))
          fail(`the definition was rejected, but no error says "${text}":\n${problems(r.errors)}`);
      }
    },
  },
] as const;
