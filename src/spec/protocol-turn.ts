import type { ReasoningProtocolSpec } from "./scenario.ts";

/**
 * An assistant turn written in a scenario's reasoning protocol, the way its scripted turns are:
 *
 *     Reasoning: """
 *     <reasoning>
 *     """
 *     Response: <output>
 *
 * An output that already begins with the output label (an agentic protocol's `Action:` lines) is
 * not labelled twice.
 */
export function formatProtocolTurn(
  protocol: Pick<ReasoningProtocolSpec, "reasoning_label" | "output_label">,
  reasoning: string,
  output: string,
): string {
  return `${protocol.reasoning_label}: """\n${reasoning.trim()}\n"""\n${withOutputLabel(output, protocol)}`;
}

/** The output behind its label, unless it already carries it. */
export function withOutputLabel(
  output: string,
  protocol: Pick<ReasoningProtocolSpec, "output_label">,
): string {
  const trimmed = output.trim();
  const label = `${protocol.output_label}:`;
  return trimmed.toLowerCase().startsWith(label.toLowerCase()) ? trimmed : `${label} ${trimmed}`;
}
