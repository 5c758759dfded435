/**
 * The mutant suite of the offline gate: how much of each kind of mistake the scorer catches. For every mutant model
 * (evals/mutants/models.ts) and every golden case it applies to, the case runs through the real engine (investigate
 * loop, guard, read-only executor) with the mutant's turns and is scored like any run; the mistake is caught when any
 * scorer rule fails the case (result comparison, facts, number grounding, behaviour). A SQL rewrite that gives the
 * gold result is no mistake: the case counts as not applicable for that mutant, as does one where no rewrite runs.
 */
import { goldSqlFor } from '../golden/dataset.js';
import { openGoldenEnvironment } from '../golden/environment.js';
import {
  compareToGold,
  type GoldenCaseResult,
  type GoldReference,
  goldReference,
  runGoldenCases,
  type ScorerRule,
} from '../golden/runner.js';
import { MUTANTS, type MutantName, mutantProvider } from './models.js';

export interface MutantReport {
  name: MutantName;
  mistake: string;
  /** Cases where the mutant made its mistake (a result-changing rewrite, or a behaviour mistake). */
  applicable: number;
  caught: number;
  /** caught / applicable (1 when nothing applied). */
  share: number;
  notApplicable: number;
  /** Case ids whose mistake the scorer missed. */
  escaped: string[];
}

export interface MutantSuiteOptions {
  mutants?: readonly MutantName[];
  ids?: readonly string[];
  disabledRules?: readonly ScorerRule[];
  concurrency?: number;
}

/** Candidate rewrites tried per case before the mutant counts as not applicable there. */
const MAX_CANDIDATES = 12;

export function caughtBy(r: GoldenCaseResult): boolean {
  return !r.match || (r.facts?.missing.length ?? 0) > 0 || (r.ungrounded?.length ?? 0) > 0;
}

export async function runMutantSuite(root: string, options: MutantSuiteOptions = {}): Promise<MutantReport[]> {
  const env = await openGoldenEnvironment({ root });
  try {
    const wanted = options.ids ? new Set(options.ids) : undefined;
    const cases = env.dataset.cases.filter((c) => !wanted || wanted.has(c.id));
    const reports: MutantReport[] = [];
    const references = new Map<string, GoldReference>();
    const referenceOf = async (id: string, gold: string) => {
      const known = references.get(id) ?? (await goldReference(env, gold));
      references.set(id, known);
      return known;
    };
    for (const mutant of MUTANTS.filter((m) => !options.mutants || options.mutants.includes(m.name))) {
      const providers = new Map<string, ReturnType<typeof mutantProvider>>();
      let notApplicable = 0;
      for (const c of cases) {
        const gold = goldSqlFor(c, env.source.dialect);
        if (!mutant.appliesTo(c, gold)) continue;
        if (mutant.rewrite && gold) {
          let chosen: string | undefined;
          for (const candidate of mutant.rewrite(gold).slice(0, MAX_CANDIDATES)) {
            const outcome = await compareToGold(env, c, await referenceOf(c.id, gold), candidate);
            if (!outcome.match && outcome.rule !== 'execution_error') {
              chosen = candidate;
              break;
            }
          }
          if (chosen === undefined) notApplicable += 1;
          else providers.set(c.id, mutantProvider(mutant.name, c, gold, { mutatedSql: chosen }));
          continue;
        }
        if (mutant.name === 'made_up_number' && gold) {
          const { rows } = (await referenceOf(c.id, gold)).result;
          const biggest = Math.max(0, ...rows.flat().map((v) => Math.abs(Number(v)) || 0));
          const invented = (biggest * 1.37 + 41.3).toFixed(2);
          providers.set(c.id, mutantProvider(mutant.name, c, gold, { invented }));
          continue;
        }
        providers.set(c.id, mutantProvider(mutant.name, c, gold));
      }
      const results =
        providers.size === 0
          ? []
          : await runGoldenCases(
              {
                ...env,
                provider: 'scripted',
                modelFor: (c) => providers.get(c.id) ?? mutantProvider(mutant.name, c, undefined),
                disabledRules: options.disabledRules,
              },
              { ids: [...providers.keys()], concurrency: options.concurrency ?? 4 },
            );
      const escaped = results.filter((r) => !caughtBy(r)).map((r) => r.id);
      const caught = results.length - escaped.length;
      reports.push({
        name: mutant.name,
        mistake: mutant.mistake,
        applicable: results.length,
        caught,
        share: results.length === 0 ? 1 : caught / results.length,
        notApplicable,
        escaped,
      });
    }
    return reports;
  } finally {
    await env.close();
  }
}
