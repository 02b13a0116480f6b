// Least-privilege IAM for a scenario (`gameday iam <scenario>`).

export { iamActionFor, iamActionsFor } from './actions.js';
export { iamPolicies } from './policies.js';
export {
  policyActions,
  type IamPolicies,
  type IamRunbookStep,
  type IamScenarioConfig,
  type PolicyDocument,
  type PolicyStatement,
} from './types.js';
