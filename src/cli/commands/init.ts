import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WriteError, writeFilesAtomic } from '../../output/write.js';
import type { RegisterCommand } from '../command.js';
import { EXIT, type Io, println, useColor } from '../io.js';

/** The files of a new policy set: a small, valid, commented starting point. */
function starterSet(name: string, schema: string): Record<string, string> {
  const header = (depth: number) => `# yaml-language-server: $schema=${'../'.repeat(depth)}${schema}\n`;
  return {
    'policyset.yaml': `${header(0)}apiVersion: policyc/v1
kind: PolicySet
metadata:
  name: ${name}
  title: ${name}
spec:
  version: 0.1.0
  # Access levels, narrowest first: a grant at a level includes every narrower one.
  scopes:
    - { name: own, title: Own, description: What the user owns or created. }
    - { name: team, title: Team, description: What belongs to the user's team. }
    - { name: all, title: All, description: Everything. }
  defaultRole: member # the role of users assigned no role
  ownerRole: owner    # the one role expected to grant "*"
`,
    'catalog.yaml': `${header(0)}apiVersion: policyc/v1
kind: Catalog
metadata:
  name: ${name}-catalog
spec:
  actions:
    - { name: view, title: View }
    - { name: edit, title: Edit, implies: [view] } # granting edit also grants view
    - { name: delete, title: Delete }
  categories:
    - { name: content, title: Content }
  resources:
    - { name: documents, title: Documents, category: content }
  permissions:
    - { id: documents:view, title: View documents, scoped: true, description: Read documents at the granted level. }
    - { id: documents:edit, title: Edit documents, scoped: true, description: Change documents at the granted level. }
    - { id: documents:delete, title: Delete documents, scoped: true, sensitive: true, description: Delete documents at the granted level. }
`,
    'roles/owner.yaml': `${header(1)}apiVersion: policyc/v1
kind: Role
metadata:
  name: owner
spec:
  title: Owner
  description: Holds every permission, at the widest level.
  grants:
    - "*"
`,
    'roles/member.yaml': `${header(1)}apiVersion: policyc/v1
kind: Role
metadata:
  name: member
spec:
  title: Member
  description: Reads the team's documents and edits their own.
  grants:
    - documents:view: team
    - documents:edit: own
`,
    'assignments.yaml': `${header(0)}apiVersion: policyc/v1
kind: Assignments
metadata:
  name: ${name}-users
spec:
  users:
    - { name: ada, roles: [owner] }
    - { name: bo } # no roles: gets the default role
`,
  };
}

/** A first feature for the starter set: it passes as created, and shows the step phrases to build on. */
function starterFeature(name: string): string {
  return `# The scenarios policyc test runs against the policy set "${name}" (see README, "Gherkin steps").
Feature: Who may do what in ${name}

  Background:
    Given the policy set "${name}"

  Scenario: The owner holds every permission
    Then the owner role is "Owner"
    And the role "Owner" has every permission
    And "ada" can "Delete documents" at all

  Scenario: A member reads the team's documents and edits their own
    Then "bo" has the role "Member"
    And "bo" can "View documents" of her team
    And "bo" can "Edit documents" of her own
    But "bo" cannot "Edit documents" of her team
    And "bo" has no sensitive permission

  Scenario: The access matrix
    Then the access is:
      | role   | View documents | Edit documents | Delete documents |
      | Owner  | all            | all            | all              |
      | Member | team           | own            | no               |
`;
}

/** `policyc init [DIR]`: create a new policy set and a first feature; never overwrites anything. */
async function runInit(
  io: Io,
  options: { dir: string; name: string | undefined; color: boolean | undefined },
): Promise<number> {
  const c = useColor(io, 'stdout', options.color);
  const dir = path.resolve(io.cwd, options.dir);
  const name = options.name ?? path.basename(dir);
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name)) {
    io.stderr.write(
      `policyc init: \`${name}\` is not a valid set name (letters, digits, '_', '.', '-'); pass --name\n`,
    );
    return EXIT.usage;
  }
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    io.stderr.write(`policyc init: ${options.dir} already exists and is not empty; nothing was written\n`);
    return EXIT.usage;
  }
  const schema = path
    .relative(dir, fileURLToPath(new URL('../../../schemas/policyc-v1.schema.json', import.meta.url)))
    .split(path.sep)
    .join('/');
  const files = starterSet(name, schema);
  // The feature goes beside the folder of sets (policies/main → features/main.feature), where
  // \`policyc test\` looks by default; an existing one is left alone.
  const policies = path.dirname(dir);
  const feature = path.join(path.dirname(policies), 'features', `${name}.feature`);
  const writeFeature = !existsSync(feature);
  try {
    writeFilesAtomic([
      ...Object.entries(files).map(([file, text]) => ({ path: path.join(dir, file), text })),
      ...(writeFeature ? [{ path: feature, text: starterFeature(name) }] : []),
    ]);
  } catch (error) {
    if (!(error instanceof WriteError)) throw error;
    io.stderr.write(`policyc init: ${error.message}; nothing was written\n`);
    return EXIT.usage;
  }
  println(
    io.stdout,
    `${c.green('✔')} created the policy set ${c.bold(name)} in ${options.dir}: ${Object.keys(files).join(', ')}`,
  );
  const shown = (p: string) => path.relative(io.cwd, p) || '.';
  if (writeFeature) println(io.stdout, `${c.green('✔')} created a first feature: ${shown(feature)}`);
  else println(io.stdout, c.dim(`${shown(feature)} exists: left as it is`));
  const testArgs =
    shown(path.dirname(feature)) === 'features' && shown(policies) === 'policies'
      ? ''
      : ` ${shown(path.dirname(feature))} --policies ${shown(policies)}`;
  println(
    io.stdout,
    c.dim(`next: policyc check ${options.dir} && policyc build ${options.dir} && policyc test${testArgs}`),
  );
  return EXIT.ok;
}

export const registerInit: RegisterCommand = (program, { io, run }) => {
  program
    .command('init')
    .description(
      'create a new policy set (a PolicySet, a catalog, two roles and assignments to start from) and a first feature that passes',
    )
    .argument('[dir]', 'the folder to create (a new set folder under policies/)', 'policies/main')
    .option('--name <name>', 'the set name (default: the folder name)')
    .option('--color', 'force colour output')
    .option('--no-color', 'disable colour output')
    .action(
      run(async (dir: string, opts: { name?: string; color?: boolean }) =>
        runInit(io, { dir, name: opts.name, color: opts.color }),
      ),
    );
};
