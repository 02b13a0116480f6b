// Least-privilege IAM for a scenario (`gameday iam <scenario>`).

export { iamActionFor, iamActionsFor } from './actions.js';
export {
  iamPolicies,
  policyActions,
  type IamPolicies,
  type IamScenarioConfig,
  type PolicyDocument,
  type PolicyStatement,
} from './policies.js';
