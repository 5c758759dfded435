/**
 * The knowledge base as front ends and the agent see it under a policy: the FAQ tier answers only for a caller who
 * may use the connection, runs the verified query through the caller's policy (refused -> a miss, masked columns
 * masked), and does not ask back for a verified query the policy would refuse; search drops hits about hidden
 * tables or with SQL the policy refuses, and suggested questions leave out verified queries it would refuse. Without
 * a policy it is the knowledge base itself.
 */
import type { DataSource } from '../datasources/index.js';
import type { FaqOutcome, KnowledgeBase } from '../knowledge/index.js';
import type { SqlExecutor, SqlGuard } from '../sql/index.js';
import { createSchemaInspector } from '../sql/introspect/index.js';
import type { PolicyEnforcer } from './enforcer.js';
import { createPolicyExplorer } from './explorer.js';
import { filterKnowledgeHits, statementAllowed } from './knowledge.js';

export interface GuardedKnowledgeDeps {
  enforcer: PolicyEnforcer;
  guard: SqlGuard;
  executor: SqlExecutor;
  source: (connection: string) => Promise<DataSource>;
  defaultConnection: string;
}

export function guardKnowledgeBase(kb: KnowledgeBase, deps: GuardedKnowledgeDeps): KnowledgeBase {
  if (!deps.enforcer.active) return kb;
  const { enforcer, guard } = deps;
  const explorerFor = (source: DataSource) =>
    createPolicyExplorer(enforcer, source, createSchemaInspector({ executor: deps.executor, source }));

  return Object.assign(Object.create(kb) as KnowledgeBase, {
    async answerFaq(request: Parameters<KnowledgeBase['answerFaq']>[0]): Promise<FaqOutcome> {
      const connection = request.connection ?? deps.defaultConnection;
      enforcer.assertAccess(request.actor, connection);
      const outcome = await kb.answerFaq(request, { executor: enforcer.executorFor(request.actor) });
      if (outcome.kind !== 'ask_back' || !enforcer.rules(connection).restricted) return outcome;
      const query = (await kb.files()).verifiedQueries.find((q) => q.name === outcome.verifiedQuery.name);
      const source = await deps.source(connection);
      if (query && (await statementAllowed(enforcer, guard, source, query.sql))) return outcome;
      return { kind: 'miss', confidence: outcome.confidence, nearest: [] };
    },
    async suggestedQuestions(limit: number, connection = deps.defaultConnection) {
      if (!enforcer.rules(connection).restricted) return kb.suggestedQuestions(limit, connection);
      const questions = await kb.suggestedQuestions(limit * 3, connection);
      const queries = (await kb.files()).verifiedQueries;
      const source = await deps.source(connection);
      const kept: string[] = [];
      for (const question of questions) {
        const query = queries.find((q) => q.connection === connection && q.questions[0] === question);
        if (query && (await statementAllowed(enforcer, guard, source, query.sql))) kept.push(question);
        if (kept.length === limit) break;
      }
      return kept;
    },
    async search(text: string, options: Parameters<KnowledgeBase['search']>[1] = {}) {
      const connection = options.connection ?? deps.defaultConnection;
      const limit = options.limit ?? 5;
      if (!enforcer.rules(connection).restricted) return kb.search(text, options);
      const hits = await kb.search(text, { ...options, limit: limit * 2 });
      const source = await deps.source(connection);
      return (await filterKnowledgeHits(enforcer, guard, source, explorerFor(source), hits)).slice(0, limit);
    },
  });
}
