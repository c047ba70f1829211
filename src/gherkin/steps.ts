/**
 * `import 'policyc/steps'` in a support file of your own cucumber setup registers policyc's
 * step library (see README, "Gherkin steps"). `policyc test` does this for you.
 */
import { registerPolicySteps } from './library.js';

registerPolicySteps();

export { coverage } from './coverage.js';
export { registerPolicySteps } from './library.js';
export { stateOf, type PolicyWorldParameters } from './state.js';
