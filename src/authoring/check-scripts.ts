import { approximateTokens } from "../runner/estimate-usage.ts";
import { ARMS, type Arm } from "../spec/experiment.ts";
import { type FactorLevels, factorCombinations } from "../spec/factor-combinations.ts";
import type { ScenarioSpec } from "../spec/scenario.ts";
import { type RehearsedTurn, rehearseTrial } from "./rehearse-trial.ts";
import type { ScenarioFinding } from "./scenario-finding.ts";

export interface ScriptCheckOptions {
  /** The subject's context window in tokens; unset, the size is not checked. */
  contextTokens?: number | undefined;
  /** Tokens a model turn may take (the experiment's max_tokens). */
  maxTokens: number;
}

/** Every arm at every combination of levels: the trial each would play, rehearsed. */
export function rehearsals(scenario: ScenarioSpec) {
  return factorCombinations(scenario).flatMap((levels) =>
    ARMS.map((arm) => ({ levels, arm, turns: rehearseTrial(scenario, levels, arm) })),
  );
}

/**
 * Each arm at each combination of levels must play a script a chat model can take: at least one
 * judged follow-up, no two user turns in a row unless the step declares it, no two assistant turns
 * in a row, and (with a context size) the longest conversation must fit.
 */
export function checkScripts(
  scenario: ScenarioSpec,
  file: string,
  options: ScriptCheckOptions,
): ScenarioFinding[] {
  const findings = new Map<string, ScenarioFinding>();
  const add = (finding: ScenarioFinding) => {
    const key = `${finding.field}\n${finding.message.replace(/ in arm .*$/, "")}`;
    if (!findings.has(key)) findings.set(key, finding);
  };
  for (const { levels, arm, turns } of rehearsals(scenario)) {
    const where = describeTrial(arm, levels);
    const judgedFollowup = turns.some(
      (turn) => turn.judged && turn.source === "generated" && isFollowup(scenario, turn),
    );
    if (!judgedFollowup) {
      add({
        severity: "error",
        file,
        field: "steps",
        message: `no judged follow-up plays${where}: give a follow-up no \`when\` that excludes it (and judged_in_control: true for the control arm)`,
      });
    }
    for (let index = 1; index < turns.length; index++) {
      checkTurnOrder(scenario, turns, index, where, file, add);
    }
    if (options.contextTokens !== undefined) {
      const finding = checkContext(turns, options, where, file);
      if (finding) add(finding);
    }
  }
  return [...findings.values()];
}

function checkTurnOrder(
  scenario: ScenarioSpec,
  turns: readonly RehearsedTurn[],
  index: number,
  where: string,
  file: string,
  add: (finding: ScenarioFinding) => void,
): void {
  const turn = turns[index] as RehearsedTurn;
  const before = turns[index - 1];
  if (!before || before.role !== turn.role) return;
  if (turn.role === "user" && !declaresConsecutive(scenario, before, turn)) {
    add({
      severity: "error",
      file,
      field: turn.field,
      message: `a user turn right after another user turn (${before.field})${where}, because the steps between them do not play here: merge them, put an assistant turn between, or declare consecutive_user_turn: true on this step`,
    });
  }
  if (turn.role === "assistant") {
    add({
      severity: "warning",
      file,
      field: turn.field,
      message: `an assistant turn right after another assistant turn (${before.field})${where}: some providers merge or refuse them; put a user turn (e.g. a tool result) between`,
    });
  }
}

/**
 * Two user turns in a row are declared when the step says so, or when the file itself shows them
 * as a run of user steps (messages arriving one after another, a request split in two); what is
 * refused is a run that only forms in play, because a `when` dropped the turn between them.
 */
function declaresConsecutive(
  scenario: ScenarioSpec,
  before: RehearsedTurn,
  turn: RehearsedTurn,
): boolean {
  const step = stepAt(scenario, turn);
  if (step && "consecutive_user_turn" in step && step.consecutive_user_turn === true) return true;
  const [from, to] = [stepIndex(before), stepIndex(turn)];
  if (from === undefined || to === undefined || from >= to) return false;
  return scenario.steps.slice(from + 1, to).every((between) => between.role === "user");
}

function stepIndex(turn: RehearsedTurn): number | undefined {
  const index = /^steps\[(\d+)\]$/.exec(turn.field)?.[1];
  return index === undefined ? undefined : Number(index);
}

function isFollowup(scenario: ScenarioSpec, turn: RehearsedTurn): boolean {
  return stepAt(scenario, turn)?.role === "followup";
}

function stepAt(scenario: ScenarioSpec, turn: RehearsedTurn) {
  const index = stepIndex(turn);
  return index === undefined ? undefined : scenario.steps[index];
}

/**
 * The input of the last model turn plus its reply, in tokens estimated at four characters each:
 * scripted text as written, earlier model turns at their reference turn's length (max_tokens where
 * none stands in), and max_tokens for the reply itself.
 */
function checkContext(
  turns: readonly RehearsedTurn[],
  options: ScriptCheckOptions,
  where: string,
  file: string,
): ScenarioFinding | undefined {
  const lastModelTurn = turns.findLastIndex((turn) => turn.source === "generated");
  if (lastModelTurn < 0) return undefined;
  const input = turns.slice(0, lastModelTurn).reduce((total, turn) => {
    const placeholder = turn.source === "generated" && !turn.generated;
    return total + (placeholder ? options.maxTokens : approximateTokens(turn.content));
  }, 0);
  const total = input + options.maxTokens;
  if (total <= (options.contextTokens as number)) return undefined;
  return {
    severity: "error",
    file,
    field: (turns[lastModelTurn] as RehearsedTurn).field,
    message: `the conversation up to this turn is about ${total} tokens (${input} in, ${options.maxTokens} for the reply; four characters a token)${where}, more than the context of ${options.contextTokens}: shorten the scripted turns or drop follow-ups`,
  };
}

export function describeTrial(arm: Arm, levels: FactorLevels): string {
  const at = Object.keys(levels).length ? ` at ${JSON.stringify(levels)}` : "";
  return ` in arm ${arm}${at}`;
}
