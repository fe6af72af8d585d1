import type { JudgeInput } from "../judges/judge.ts";
import { type JudgedStep, judgedView, type ViewTurn } from "../spec/judged-view.ts";
import type { MeasurementDesign } from "../spec/measurement-design.ts";
import type { ScenarioSpec } from "../spec/scenario.ts";
import { renderTemplate } from "../spec/template.ts";

export interface JudgeInputSource {
  scenario: ScenarioSpec;
  variables: Readonly<Record<string, string>>;
  design: Pick<MeasurementDesign, "judge_view">;
  /** The trial's turns up to and including the judged one; the last must be parsed. */
  turns: readonly (ViewTurn & { content: string })[];
  /** The step that produced the turn: its checks and reference turns. */
  step: JudgedStep | undefined;
}

/**
 * What every judge gets for one turn: the view a model judge reads (and a human sees), the split
 * turn for checks and cue counting, the step's checks and the scenario's cues filled in.
 */
export function judgeInputFor(source: JudgeInputSource): JudgeInput {
  const { scenario, variables, step } = source;
  const judged = source.turns.at(-1);
  if (!judged?.parsed)
    throw new Error("the judged turn has not been split into reasoning and output");
  const cues = scenario.judging.cues;
  return {
    view: judgedView({ ...source, examples: step?.examples }),
    turn: { text: judged.content, ...judged.parsed },
    checks: step?.checks ?? [],
    cues: cues && {
      undesired: cues.undesired.map((cue) => renderTemplate(cue, variables)),
      desired: cues.desired.map((cue) => renderTemplate(cue, variables)),
    },
  };
}
