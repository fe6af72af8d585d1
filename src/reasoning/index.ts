export {
  type ParsedTurn,
  parseReasoning,
  REASONING_RULES,
  type ReasoningProtocol,
  type ReasoningStatus,
} from "./parse-reasoning.ts";
