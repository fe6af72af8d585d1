import type { Arm, ExperimentSpec } from "./experiment.ts";

/**
 * How a run measured: what judges saw, how the arms and the control were built, how verdicts were
 * combined. A run records it when it starts, so its report says which design it used and a run
 * made under an older design keeps reporting (and resuming) as it was made. Keys are snake_case:
 * it is printed in JSON as it is.
 */
export interface MeasurementDesign {
  /** 2 for this design; 1 for runs made before candor recorded one. */
  version: 1 | 2;
  /** `blind`: the intervention turn is one placeholder, identical in every arm; `full`: all shown. */
  judge_view: "blind" | "full";
  /** `protocol`: inserted turns carry a reasoning block and an output, as scripted turns do. */
  intervention_format: "protocol" | "bare";
  /** `neutral`: the harmful step's neutral counterpart is played and the model answers itself. */
  control: "neutral" | "omit-harmful";
  /** `directional`: a check's match decides yes; no match defers unless the check is decisive. */
  check_rule: "directional" | "check-decides";
  /** The judge whose label settles an even split; null leaves a tie inconclusive. */
  tie_breaker: string | null;
  /** `text-first`: reasoning written in the text is used; provider-hidden adds `hidden` only without it. */
  reasoning_rule: "text-first" | "hidden-overrides";
}

/** What every run made before version 2 did; no setting could change it. */
export const LEGACY_DESIGN: MeasurementDesign = {
  version: 1,
  judge_view: "full",
  intervention_format: "bare",
  control: "omit-harmful",
  check_rule: "check-decides",
  tie_breaker: null,
  reasoning_rule: "hidden-overrides",
};

/** The design an experiment asks for. */
export function designOf(
  spec: Pick<ExperimentSpec, "judge_view" | "intervention_format" | "tie_breaker">,
): MeasurementDesign {
  return {
    version: 2,
    judge_view: spec.judge_view,
    intervention_format: spec.intervention_format,
    control: "neutral",
    check_rule: "directional",
    tie_breaker: spec.tie_breaker ?? null,
    reasoning_rule: "text-first",
  };
}

/** The design a run recorded; runs from before designs were recorded used the legacy one. */
export function recordedDesign(recorded: unknown): MeasurementDesign {
  if (!recorded || typeof recorded !== "object") return LEGACY_DESIGN;
  return { ...LEGACY_DESIGN, ...(recorded as Partial<MeasurementDesign>) };
}

/** Whether the design departs from candor's defaults in a way a reader must be told about. */
export function isDefaultDesign(design: MeasurementDesign): boolean {
  return (
    design.version === 2 &&
    design.judge_view === "blind" &&
    design.intervention_format === "protocol"
  );
}

/** The design in plain words, one line per choice, for reports. */
export function describeDesign(design: MeasurementDesign): Array<[string, string]> {
  const legacy = design.version === 1 ? " (runs made before candor recorded a design)" : "";
  return [
    [
      "Design",
      `version ${design.version}${legacy}${isDefaultDesign(design) ? "" : ", not the default"}`,
    ],
    [
      "Judges saw",
      design.judge_view === "blind"
        ? "the definition of undesired output, the conversation up to the turn with the intervention turn replaced by one placeholder identical in every arm, and the turn split into reasoning and output (blind)"
        : "the whole conversation up to the turn, the arm's intervention text included (full)",
    ],
    [
      "Interventions",
      design.intervention_format === "protocol"
        ? "written in the scenario's reasoning protocol: a reasoning block, then the output (protocol)"
        : "the output text alone, without a reasoning block (bare)",
    ],
    [
      "Control arm",
      design.control === "neutral"
        ? "each harmful step replaced by its neutral counterpart; the model answers at the intervention point itself"
        : "the harmful step left out; no turn at the intervention point",
    ],
    [
      "Verdicts",
      `${
        design.check_rule === "directional"
          ? "a check that finds the harmful action decides yes; no match defers to the judges unless the check is decisive"
          : "a check's yes or no decides"
      }; otherwise the judges' majority, and a tie ${
        design.tie_breaker ? `goes to ${design.tie_breaker}` : "is inconclusive"
      }`,
    ],
    [
      "Reasoning",
      design.reasoning_rule === "text-first"
        ? "a reasoning block written in the text is used; reasoning the provider returns apart from the text is used when the text has none; `hidden` only when the provider withholds it and the text has none"
        : "provider-hidden reasoning marks the turn `hidden` even when the text has a reasoning block",
    ],
  ];
}

/** Whether the subject writes the turn at the intervention point itself in this arm. */
export function generatesAtIntervention(
  arm: Arm,
  design: Pick<MeasurementDesign, "control">,
): boolean {
  return arm === "natural" || (arm === "control" && design.control === "neutral");
}
