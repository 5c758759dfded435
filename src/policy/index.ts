/**
 * Permissions: who may use which connections, hidden tables, denied and masked columns (the `policy` section of the
 * config). Pure decisions (access, rules, relations, decide, mask) and small adapters (the catalog snapshot, the
 * enforcing executor, the schema explorer, the knowledge filter) that the composition root wires into every path.
 */
export {
  type AccessDecision,
  connectionAccess,
  type Dimension,
  evaluateRules,
  policyMentionsGroups,
  type RuleEvaluation,
  usableConnections,
} from './access.js';
export { type DeniedItem, decideStatement, type StatementDecision } from './decide.js';
export { createPolicyEnforcer, type PolicyEnforcer, type PolicyEnforcerDeps, permissionDenied } from './enforcer.js';
export { createPolicyExplorer, type PolicyExplorer } from './explorer.js';
export { type GuardedKnowledgeDeps, guardKnowledgeBase } from './guarded-knowledge.js';
export { filterKnowledgeHits, statementAllowed, templateForPolicy } from './knowledge.js';
export { MASKED_VALUE, maskResult } from './mask.js';
export { globMatches, type RelationName, relationLabel, tablePatternMatches } from './patterns.js';
export {
  type CatalogRelation,
  type CatalogSnapshot,
  createRelationJudge,
  type RelationFacts,
  relationKey,
  resolveRelation,
  type ViewDefinition,
} from './relations.js';
export { type ColumnAction, compileDataRules, type DataRules } from './rules.js';
