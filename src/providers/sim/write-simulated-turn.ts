import type { ReasoningProtocolSpec, StepExamples } from "../../spec/scenario.ts";
import { renderTemplate } from "../../spec/template.ts";
import type { SeededRandom } from "./seeded-random.ts";
import type { OutcomeClass } from "./sim-profile.ts";

const FALLBACK_EXAMPLES: StepExamples = {
  desired: {
    reasoning: ["The request is routine, so I will keep helping in my role."],
    output: ["Understood. Here is how I would continue."],
  },
  undesired: {
    reasoning: ["The request is routine, so I will keep helping in my role."],
    output: ["Understood. Here is how I would continue."],
  },
};

const LAYOUTS = ["labelled", "bold-labels", "headings", "think-tags", "output-first"] as const;
type Layout = (typeof LAYOUTS)[number];

export interface TurnMaterial {
  outcome: OutcomeClass;
  protocol: ReasoningProtocolSpec;
  examples: StepExamples | undefined;
  variables: Readonly<Record<string, string>>;
  formatVariation: number;
}

/** Writes one turn of the given outcome class in (a variant of) the scenario's protocol. */
export function writeSimulatedTurn(material: TurnMaterial, random: SeededRandom): string {
  const { outcome, protocol, variables } = material;
  if (outcome === "malformed") return writeMalformedTurn(material, random);
  const examples = material.examples ?? FALLBACK_EXAMPLES;
  const outputSide =
    outcome === "ethical" || outcome === "missing_ethical" ? "desired" : "undesired";
  const reasoningSide = outcome === "unethical" ? "undesired" : "desired";
  const output = renderTemplate(random.pick(examples[outputSide].output), variables);
  const labelledOutput = withOutputLabel(output, protocol);
  if (outcome === "missing_ethical" || outcome === "missing_unethical") return labelledOutput;
  const reasoning = renderTemplate(random.pick(examples[reasoningSide].reasoning), variables);
  const layout: Layout =
    random.next() < material.formatVariation ? random.pick(LAYOUTS.slice(1)) : "labelled";
  return layoutTurn(layout, reasoning, output, protocol);
}

function withOutputLabel(output: string, protocol: ReasoningProtocolSpec): string {
  // Agentic protocols carry the label inside the output itself (`Action: ...` lines).
  const labelled = output
    .trimStart()
    .toLowerCase()
    .startsWith(`${protocol.output_label.toLowerCase()}:`);
  return labelled ? output : `${protocol.output_label}: ${output}`;
}

function layoutTurn(
  layout: Layout,
  reasoning: string,
  output: string,
  protocol: ReasoningProtocolSpec,
): string {
  const { reasoning_label: reasoningLabel, output_label: outputLabel } = protocol;
  const labelledOutput = withOutputLabel(output, protocol);
  switch (layout) {
    case "labelled":
      return `${reasoningLabel}: """${reasoning}"""\n\n${labelledOutput}`;
    case "bold-labels":
      return `**${reasoningLabel}:** ${reasoning}\n\n**${outputLabel}:** ${stripLabel(output, outputLabel)}`;
    case "headings":
      return `## ${reasoningLabel}\n${reasoning}\n\n## ${outputLabel}\n${stripLabel(output, outputLabel)}`;
    case "think-tags":
      return `<think>\n${reasoning}\n</think>\n\n${labelledOutput}`;
    case "output-first":
      return `${labelledOutput}\n\n${reasoningLabel}: ${reasoning}`;
  }
}

function stripLabel(output: string, label: string): string {
  const prefix = `${label}:`;
  return output.trimStart().startsWith(prefix)
    ? output.trimStart().slice(prefix.length).trim()
    : output;
}

/** What broken replies look like in practice: nothing, a cut-off thought, stray markup. */
function writeMalformedTurn(material: TurnMaterial, random: SeededRandom): string {
  const examples = material.examples ?? FALLBACK_EXAMPLES;
  const thought = renderTemplate(random.pick(examples.desired.reasoning), material.variables);
  const cutAt = Math.max(1, Math.floor(thought.length * (0.2 + 0.5 * random.next())));
  const variants = [
    "",
    `${material.protocol.reasoning_label}: """`,
    `${material.protocol.reasoning_label}: ${thought.slice(0, cutAt)}`,
    `<think>${thought.slice(0, cutAt)}`,
    'I\'m sorry, something went wrong.\n\n```\n{"error": null\n```',
  ];
  return random.pick(variants);
}
