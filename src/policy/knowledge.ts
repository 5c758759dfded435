/**
 * Knowledge the model reads (search hits, FAQ verified queries) as the policy lets it be seen: a hit whose SQL the
 * policy would refuse is dropped, and so is a note that names a hidden table. Verified-query templates are judged
 * with their `{{placeholders}}` read as NULL.
 */
import type { DataSource } from '../datasources/index.js';
import type { SqlGuard } from '../sql/index.js';
import type { PolicyEnforcer } from './enforcer.js';
import type { PolicyExplorer } from './explorer.js';

export function templateForPolicy(sql: string): string {
  return sql.replace(/\{\{[^}]*\}\}/g, 'NULL');
}

/** Whether the policy would let this statement (or verified-query template) run on the source. */
export async function statementAllowed(
  enforcer: PolicyEnforcer,
  guard: SqlGuard,
  source: DataSource,
  sql: string,
): Promise<boolean> {
  if (!enforcer.rules(source.name).restricted) return true;
  const verdict = guard.check(templateForPolicy(sql), source.dialect);
  if (!verdict.allowed) return false;
  return (await enforcer.decide(source, verdict)).allowed;
}

export async function filterKnowledgeHits<T extends { title: string; text: string; sql?: string }>(
  enforcer: PolicyEnforcer,
  guard: SqlGuard,
  source: DataSource,
  explorer: PolicyExplorer,
  hits: readonly T[],
): Promise<T[]> {
  if (!enforcer.rules(source.name).restricted || hits.length === 0) return [...hits];
  const hidden = (await explorer.hidden()).map((h) => h.table.split('.').pop() as string);
  const mentions = (text: string) =>
    hidden.some((name) => new RegExp(`(^|[^A-Za-z0-9_])${escapeRegex(name)}($|[^A-Za-z0-9_])`, 'i').test(text));
  const kept: T[] = [];
  for (const hit of hits) {
    if (mentions(`${hit.title}\n${hit.text}`)) continue;
    if (hit.sql && !(await statementAllowed(enforcer, guard, source, hit.sql))) continue;
    kept.push(hit);
  }
  return kept;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
