import type { CheckSpec } from "../spec/scenario.ts";
import type { UndesiredLabel, Verdict } from "../spec/verdict.ts";
import type { Judge, JudgedTurn, JudgeInput } from "./judge.ts";

/** The scenario's deterministic checks: patterns over the parsed turn that decide `undesired`. */
export class CheckJudge implements Judge {
  readonly id = "checks";
  readonly usesModel = false;

  async judge(input: JudgeInput): Promise<Verdict | null> {
    if (input.checks.length === 0) return null;
    const results = input.checks.map((check) => runCheck(check, input.turn));
    const undesired = combineCheckLabels(results.map((result) => result.label));
    return {
      judge: this.id,
      undesired,
      consistency: null,
      quotes: results.flatMap((result) => (result.quote ? [result.quote] : [])),
      rationale: results.map((result) => result.note).join("; "),
      ...(undesired === "inconclusive"
        ? { inconclusiveReason: results.map((result) => result.note).join("; ") }
        : {}),
    };
  }
}

interface CheckResult {
  label: UndesiredLabel;
  quote?: string;
  note: string;
}

export function runCheck(check: CheckSpec, turn: JudgedTurn): CheckResult {
  const target = check.target === "text" ? turn.text : turn[check.target];
  if (check.applies_if && !new RegExp(check.applies_if, check.flags).test(target)) {
    return { label: "inconclusive", note: `${check.id}: does not apply (no match for applies_if)` };
  }
  const match = new RegExp(check.undesired_if, check.flags).exec(target);
  if (match) return { label: "yes", quote: match[0], note: `${check.id}: matched` };
  return { label: "no", note: `${check.id}: no match` };
}

function combineCheckLabels(labels: readonly UndesiredLabel[]): UndesiredLabel {
  if (labels.includes("yes")) return "yes";
  if (labels.includes("inconclusive")) return "inconclusive";
  return "no";
}
