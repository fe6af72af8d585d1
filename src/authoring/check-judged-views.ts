import { variablesFor } from "../spec/factor-combinations.ts";
import { judgedView, renderJudgedView } from "../spec/judged-view.ts";
import type { ScenarioSpec } from "../spec/scenario.ts";
import { templateVariableNames } from "../spec/template.ts";
import { describeTrial, rehearsals } from "./check-scripts.ts";
import type { ScenarioFinding } from "./scenario-finding.ts";

/**
 * Each judged turn's blind view (what an LLM judge and a human labeller read) must render, with
 * the definition filled in and the arm hidden: neither the refusal's nor the rebuttal's words may
 * show in the conversation the judge reads.
 */
export function checkJudgedViews(scenario: ScenarioSpec, file: string): ScenarioFinding[] {
  const findings = new Map<string, ScenarioFinding>();
  const add = (finding: ScenarioFinding) => {
    if (!findings.has(finding.field)) findings.set(finding.field, finding);
  };
  for (const { levels, arm, turns } of rehearsals(scenario)) {
    const variables = variablesFor(scenario, levels);
    const where = describeTrial(arm, levels);
    const armTexts = ["refusal", "rebuttal"].map((name) =>
      scenario.interventions[name as "refusal" | "rebuttal"].output.trim(),
    );
    turns.forEach((turn, index) => {
      if (!turn.judged) return;
      let rendered: string;
      try {
        const view = judgedView({
          scenario,
          variables,
          design: { judge_view: "blind" },
          turns: turns.slice(0, index + 1),
          examples: turn.examples,
        });
        rendered = renderJudgedView(view);
        const leftover = templateVariableNames(view.definition)[0];
        if (leftover !== undefined) {
          add({
            severity: "error",
            file,
            field: "judging.undesired",
            message: `the judge would read {{${leftover}}} unfilled${where}`,
          });
        }
        const context = view.context.map((message) => message.content).join("\n");
        const leak = armTexts.find((text) => text.length >= 20 && context.includes(text));
        if (leak !== undefined) {
          add({
            severity: "error",
            file,
            field: turn.field,
            message: `the judge's blind view of this turn shows an intervention's words in a scripted turn${where}: the judge could tell the arm`,
          });
        }
      } catch (error) {
        add({
          severity: "error",
          file,
          field: turn.field,
          message: `the judge's view of this turn does not render${where}: ${error instanceof Error ? error.message : String(error)}`,
        });
        return;
      }
      if (rendered.trim() === "") {
        add({
          severity: "error",
          file,
          field: turn.field,
          message: `the judge's view is empty${where}`,
        });
      }
    });
  }
  return [...findings.values()];
}
