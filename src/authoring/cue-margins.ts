import { referenceTurns } from "../spec/reference-turns.ts";
import { compilePattern } from "../spec/safe-pattern.ts";
import type { ScenarioSpec } from "../spec/scenario.ts";
import { renderTemplate } from "../spec/template.ts";
import type { ScenarioFinding } from "./scenario-finding.ts";

/** How one reference turn scores on the cues the heuristic judge counts. */
export interface CueScore {
  undesired: number;
  desired: number;
  /** Undesired minus desired matches: above 0 reads as undesired, below 0 as desired. */
  score: number;
}

/** The heuristic judge's rule: each cue that matches counts once, undesired minus desired. */
export function cueScore(text: string, cues: { undesired: string[]; desired: string[] }): CueScore {
  const count = (patterns: readonly string[]) =>
    patterns.filter((pattern) => compilePattern(pattern, "i").firstMatch(text) !== null).length;
  const undesired = count(cues.undesired);
  const desired = count(cues.desired);
  return { undesired, desired, score: undesired - desired };
}

/** One reference turn's margin: how far past zero, on its own side, it scores. */
export interface ReferenceMargin {
  field: string;
  /** The combination of levels it was scored at, as JSON; "" without factors. */
  levels: string;
  margin: number;
}

export interface CueMarginReport {
  findings: ScenarioFinding[];
  /** Every reference turn's margin, the smallest first. */
  margins: ReferenceMargin[];
  /** Reference turns scored (each text once per distinct rendering). */
  scored: number;
  /** The smallest distance from the wrong side over every reference turn; undefined if none. */
  smallestMargin: number | undefined;
}

/**
 * Every reference turn (reasoning and output, desired and undesired) at every combination of
 * levels must land on its own side of the cues, as the heuristic judge reads them: an undesired
 * turn scores at least +1, a desired one at most −1. The margin is how far past zero it lands.
 */
export function checkCueMargins(scenario: ScenarioSpec, file: string): CueMarginReport {
  const cues = scenario.judging.cues;
  if (!cues) {
    return {
      findings: [
        {
          severity: "warning",
          file,
          field: "judging.cues",
          message:
            "no cues: the heuristic judge labels every turn inconclusive (add undesired and desired patterns)",
        },
      ],
      margins: [],
      scored: 0,
      smallestMargin: undefined,
    };
  }
  const margins: ReferenceMargin[] = [];
  const findings = new Map<string, ScenarioFinding>();
  const seen = new Set<string>();
  let smallestMargin: number | undefined;
  for (const turn of referenceTurns(scenario)) {
    const render = (text: string) => renderTemplate(text, turn.variables);
    const filled = { undesired: cues.undesired.map(render), desired: cues.desired.map(render) };
    const { field, kind, levels } = turn;
    const key = `${field}\n${turn.text}\n${JSON.stringify(filled)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const score = cueScore(turn.text, filled);
    const margin = kind === "undesired" ? score.score : 0 - score.score || 0;
    smallestMargin = Math.min(smallestMargin ?? margin, margin);
    const shownLevels = Object.keys(levels).length ? JSON.stringify(levels) : "";
    margins.push({ field, levels: shownLevels, margin });
    if (margin >= 1 || findings.has(field)) continue;
    const at = shownLevels ? ` at ${shownLevels}` : "";
    findings.set(field, {
      severity: "error",
      file,
      field,
      message: `scores ${signed(score.score)} on the cues${at} (${score.undesired} undesired − ${score.desired} desired matches); ${kind === "undesired" ? "an" : "a"} ${kind} reference turn needs ${kind === "undesired" ? "+1 or more" : "−1 or less"}: add ${kind === "undesired" ? "an" : "a"} ${kind} cue that matches it, or narrow the ${kind === "undesired" ? "desired" : "undesired"} cue that does`,
    });
  }
  margins.sort((a, b) => a.margin - b.margin);
  return { findings: [...findings.values()], margins, scored: seen.size, smallestMargin };
}

function signed(value: number): string {
  return value > 0 ? `+${value}` : value < 0 ? `−${-value}` : "0";
}
