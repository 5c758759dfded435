/**
 * The CI gate: scores against evals/thresholds.json. A score below its threshold (or missing) is a failure with a
 * readable line: "guard.attack_refusal 0.950 < 1.000 (the guard let 12 attacks through)".
 */
export type Scores = Readonly<Record<string, number>>;
export type Thresholds = Readonly<Record<string, number>>;

export interface GateResult {
  passed: boolean;
  lines: string[];
  failures: string[];
}

export function evaluateGate(
  scores: Scores,
  thresholds: Thresholds,
  hints: Readonly<Record<string, string>> = {},
): GateResult {
  const lines: string[] = [];
  const failures: string[] = [];
  for (const [name, minimum] of Object.entries(thresholds).sort(([a], [b]) => a.localeCompare(b))) {
    const score = scores[name];
    if (score === undefined || Number.isNaN(score)) {
      const line = `${name}: no score (the suite did not produce it)`;
      failures.push(line);
      lines.push(`FAIL ${line}`);
      continue;
    }
    const ok = score >= minimum;
    const line = `${name} ${score.toFixed(3)} ${ok ? '>=' : '<'} ${minimum.toFixed(3)}${!ok && hints[name] ? ` (${hints[name]})` : ''}`;
    lines.push(`${ok ? 'ok  ' : 'FAIL'} ${line}`);
    if (!ok) failures.push(line);
  }
  return { passed: failures.length === 0, lines, failures };
}
