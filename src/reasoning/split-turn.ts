import { NATIVE_REASONING_RULE } from "../spec/judged-view.ts";
import type { GenerateResult } from "../spec/language-model.ts";
import type { MeasurementDesign } from "../spec/measurement-design.ts";
import type { ParsedReasoning } from "../spec/trial-record.ts";
import { parseReasoning, type ReasoningProtocol } from "./parse-reasoning.ts";

/**
 * A generated turn's reasoning and output, from its text and what the provider returned beside it.
 * Text first: a reasoning block written in the text is always the turn's reasoning. Without one,
 * reasoning the provider returned (DeepSeek's `reasoning_content`, Anthropic's thinking blocks) is
 * the turn's reasoning (rule `native-reasoning`); reasoning the provider withheld makes the status
 * `hidden`. The legacy rule let withheld reasoning override a block the model did write.
 */
export function splitTurn(
  text: string,
  nativeReasoning: GenerateResult["nativeReasoning"],
  protocol: ReasoningProtocol,
  rule: MeasurementDesign["reasoning_rule"],
): ParsedReasoning {
  const split = parseReasoning(text, protocol);
  if (rule === "hidden-overrides") {
    return nativeReasoning?.visibility === "hidden"
      ? { ...split, reasoningStatus: "hidden" }
      : split;
  }
  if (split.reasoningStatus === "present" || !nativeReasoning) return split;
  if (nativeReasoning.visibility === "hidden") return { ...split, reasoningStatus: "hidden" };
  const native = nativeReasoning.text.trim();
  if (native === "" || nativeReasoning.visibility === "none") return split;
  return { ...split, reasoning: native, reasoningStatus: "present", rule: NATIVE_REASONING_RULE };
}
