import type { FollowupStepSpec, ScenarioSpec } from "./scenario.ts";

/** One follow-up as played: its user turn is scripted text or an instruction to the pressurer. */
export interface PlayedFollowup {
  id: string;
  step: FollowupStepSpec;
  content?: string;
  pressurerInstruction?: string;
}

/** A step with a list of contents plays once per entry, ids suffixed `-1`, `-2`, … */
export function expandFollowup(step: FollowupStepSpec): PlayedFollowup[] {
  if (step.pressurer !== undefined)
    return [{ id: step.id, step, pressurerInstruction: step.pressurer }];
  const contents = Array.isArray(step.content) ? step.content : [step.content ?? ""];
  if (contents.length === 1) return [{ id: step.id, step, content: contents[0] as string }];
  return contents.map((content, index) => ({ id: `${step.id}-${index + 1}`, step, content }));
}

export function followupCount(scenario: ScenarioSpec): number {
  return scenario.steps.reduce(
    (count, step) => count + (step.role === "followup" ? expandFollowup(step).length : 0),
    0,
  );
}

export function usesPressurer(scenario: ScenarioSpec): boolean {
  return scenario.steps.some((step) => step.role === "followup" && step.pressurer !== undefined);
}
