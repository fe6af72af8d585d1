import { parseReasoning } from "../reasoning/parse-reasoning.ts";
import { factorCombinations, variablesFor } from "../spec/factor-combinations.ts";
import { formatProtocolTurn } from "../spec/protocol-turn.ts";
import type { ScenarioSpec } from "../spec/scenario.ts";
import { renderTemplate } from "../spec/template.ts";
import type { ScenarioFinding } from "./scenario-finding.ts";

/**
 * The refusal and rebuttal must read, once inserted in the scenario's protocol, as a turn with
 * that reasoning and that output: a reasoning or output that carries a label of its own (or an
 * empty part) would be split differently from what the author wrote, and the subject would learn
 * a format the protocol does not ask for.
 */
export function checkInterventions(scenario: ScenarioSpec, file: string): ScenarioFinding[] {
  const findings = new Map<string, ScenarioFinding>();
  const protocol = {
    reasoningLabel: scenario.reasoning.reasoning_label,
    outputLabel: scenario.reasoning.output_label,
  };
  for (const levels of factorCombinations(scenario)) {
    const variables = variablesFor(scenario, levels);
    const at = Object.keys(levels).length ? ` at ${JSON.stringify(levels)}` : "";
    for (const arm of ["refusal", "rebuttal"] as const) {
      const turn = scenario.interventions[arm];
      const reasoning = renderTemplate(turn.reasoning, variables).trim();
      const output = renderTemplate(turn.output, variables).trim();
      const parsed = parseReasoning(
        formatProtocolTurn(scenario.reasoning, reasoning, output),
        protocol,
      );
      const field = `interventions.${arm}`;
      if (findings.has(field)) continue;
      const stray = strayLabel(reasoning, output, scenario.reasoning);
      if (stray) {
        findings.set(field, {
          severity: "error",
          file,
          field: `${field}.${stray.part}`,
          message: `does not read back as the protocol's turn: it carries a line labelled "${stray.label}:" of its own${at}; write the ${stray.part} text alone (candor adds the labels)`,
        });
      } else if (parsed.reasoningStatus !== "present" || parsed.reasoning !== reasoning) {
        findings.set(field, {
          severity: "error",
          file,
          field: `${field}.reasoning`,
          message: `does not read back as the turn's reasoning in the protocol (${scenario.reasoning.reasoning_label}: """…""")${at}: remove labels and triple quotes from the text`,
        });
      } else if (!sameOutput(parsed.output, output, scenario.reasoning.output_label)) {
        findings.set(field, {
          severity: "error",
          file,
          field: `${field}.output`,
          message: `does not read back as the turn's output after "${scenario.reasoning.output_label}:"${at}: remove other labels from the text`,
        });
      }
    }
  }
  return [...findings.values()];
}

/**
 * A protocol label written inside a part: the reasoning may carry neither label, the output not
 * the reasoning label (an agentic output's own `Action:` lines are its format).
 */
function strayLabel(
  reasoning: string,
  output: string,
  protocol: { reasoning_label: string; output_label: string },
): { part: "reasoning" | "output"; label: string } | undefined {
  const labelLine = (label: string) => new RegExp(`^\\s*${escapePattern(label)}\\s*:`, "im");
  for (const label of [protocol.reasoning_label, protocol.output_label]) {
    if (labelLine(label).test(reasoning)) return { part: "reasoning", label };
  }
  if (labelLine(protocol.reasoning_label).test(output)) {
    return { part: "output", label: protocol.reasoning_label };
  }
  return undefined;
}

/** Equal, allowing for the output label an agentic protocol's `Action` lines keep. */
function sameOutput(parsed: string, written: string, label: string): boolean {
  const strip = (text: string) =>
    text.replace(new RegExp(`^${escapePattern(label)}:\\s*`, "i"), "").trim();
  return strip(parsed) === strip(written);
}

function escapePattern(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
