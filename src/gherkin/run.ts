import path from 'node:path';
import type { Writable } from 'node:stream';
import { loadConfiguration, runCucumber } from '@cucumber/cucumber/api';
import { coverage } from './coverage.js';
import { buildSupportLibrary } from './library.js';
import { clearSetCache, useModuleCache } from './sets.js';

/** How `policyc test` runs cucumber. */
interface RunFeaturesOptions {
  readonly cwd: string;
  /** Feature files or folders (absolute or relative to cwd). */
  readonly paths: readonly string[];
  /** The folder of the policy sets, absolute. */
  readonly policies: string;
  /** Cucumber formats: `progress`, `summary`, `html:<file>`, `junit:<file>`, `json:<file>`, `message:<file>`. */
  readonly formats: readonly string[];
  readonly tags?: string | undefined;
  readonly names?: readonly string[] | undefined;
  readonly failFast?: boolean | undefined;
  /** A project's own support files, loaded after the steps. */
  readonly imports?: readonly string[] | undefined;
  readonly colors: boolean;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** A build cache folder to keep the compiled modules of the sets and their changed copies in between runs. */
  readonly cacheDir?: string | undefined;
}

/** A step that matched no step definition. */
interface UndefinedStep {
  readonly uri: string;
  readonly line: number | undefined;
  readonly keyword: string;
  readonly text: string;
}

/** A step that failed: where it is written, its scenario, and the message it failed with. */
export interface FailedStep {
  readonly uri: string;
  readonly line: number | undefined;
  readonly scenario: string;
  readonly keyword: string;
  readonly text: string;
  readonly message: string;
}

interface RunFeaturesResult {
  readonly success: boolean;
  readonly scenarios: number;
  readonly undefinedSteps: readonly UndefinedStep[];
  readonly failedSteps: readonly FailedStep[];
}

/** The few message fields the runner reads (cucumber's messages are richer). */
interface Envelope {
  gherkinDocument?: { uri?: string; feature?: { children: Child[] } };
  pickle?: { id: string; uri: string; name: string; steps: { id: string; text: string; astNodeIds: string[] }[] };
  testCase?: { id: string; pickleId: string; testSteps: { id: string; pickleStepId?: string }[] };
  testStepFinished?: { testStepId: string; testStepResult: { status: string; message?: string } };
}

interface Child {
  background?: { steps: GherkinStep[] };
  scenario?: { steps: GherkinStep[] };
  rule?: { children: Child[] };
}

interface GherkinStep {
  id: string;
  keyword: string;
  location: { line: number };
}

/**
 * Runs features with policyc's steps preloaded and strict (an undefined step fails the run),
 * recording policy coverage in `coverage` (reset first). Sets are compiled afresh for each run
 * (their modules' JavaScript may come from `cacheDir`, keyed by every input byte).
 */
export async function runFeatures(options: RunFeaturesOptions): Promise<RunFeaturesResult> {
  coverage.reset();
  clearSetCache();
  useModuleCache(options.cacheDir);
  const support = await buildSupportLibrary(
    options.cwd,
    (options.imports ?? []).map((p) => path.resolve(options.cwd, p)),
  );
  // Cucumber's formatters take colour from FORCE_COLOR (their colorsEnabled option is deprecated).
  const env: Record<string, string | undefined> = { ...options.env, FORCE_COLOR: options.colors ? '1' : '0' };
  const environment = { cwd: options.cwd, stdout: options.stdout, stderr: options.stderr, env };
  const { runConfiguration } = await loadConfiguration(
    {
      file: false,
      provided: {
        paths: [...options.paths],
        format: [...options.formats],
        strict: true,
        worldParameters: { policies: options.policies },
        ...(options.tags ? { tags: options.tags } : {}),
        ...(options.names && options.names.length > 0 ? { name: [...options.names] } : {}),
        ...(options.failFast ? { failFast: true } : {}),
      },
    },
    environment,
  );

  const steps = new Map<string, GherkinStep>();
  const pickleSteps = new Map<string, { uri: string; scenario: string; text: string; astNodeIds: string[] }>();
  const testSteps = new Map<string, string>();
  const undefinedSteps: UndefinedStep[] = [];
  const failedSteps: FailedStep[] = [];
  let scenarios = 0;
  const collect = (children: readonly Child[]) => {
    for (const child of children) {
      for (const s of [...(child.background?.steps ?? []), ...(child.scenario?.steps ?? [])]) steps.set(s.id, s);
      if (child.rule) collect(child.rule.children);
    }
  };
  const onMessage = (message: unknown) => {
    const m = message as Envelope;
    if (m.gherkinDocument?.feature) collect(m.gherkinDocument.feature.children);
    if (m.pickle) {
      scenarios++;
      for (const s of m.pickle.steps)
        pickleSteps.set(s.id, { uri: m.pickle.uri, scenario: m.pickle.name, text: s.text, astNodeIds: s.astNodeIds });
    }
    if (m.testCase) for (const s of m.testCase.testSteps) if (s.pickleStepId) testSteps.set(s.id, s.pickleStepId);
    if (m.testStepFinished && m.testStepFinished.testStepResult.status === 'UNDEFINED') {
      const pickleStep = pickleSteps.get(testSteps.get(m.testStepFinished.testStepId) ?? '');
      if (pickleStep) {
        const ast = steps.get(pickleStep.astNodeIds[0] ?? '');
        undefinedSteps.push({
          uri: pickleStep.uri,
          line: ast?.location.line,
          keyword: ast?.keyword.trim() ?? '',
          text: pickleStep.text,
        });
      }
    }
    if (m.testStepFinished && m.testStepFinished.testStepResult.status === 'FAILED') {
      const pickleStep = pickleSteps.get(testSteps.get(m.testStepFinished.testStepId) ?? '');
      if (pickleStep) {
        const ast = steps.get(pickleStep.astNodeIds[0] ?? '');
        failedSteps.push({
          uri: pickleStep.uri,
          line: ast?.location.line,
          scenario: pickleStep.scenario,
          keyword: ast?.keyword.trim() ?? '',
          text: pickleStep.text,
          message: m.testStepFinished.testStepResult.message ?? 'failed',
        });
      }
    }
  };
  const result = await runCucumber({ ...runConfiguration, support }, environment, onMessage);
  return { success: result.success, scenarios, undefinedSteps, failedSteps };
}
