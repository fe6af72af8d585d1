import { InputError, type InputLocation } from "../spec/input-error.ts";
import { HeuristicJudge } from "./heuristic-judge.ts";
import type { Judge } from "./judge.ts";

/** Judges by spec. `heuristic` is offline; LLM judges (`openai:…`, …) arrive with providers. */
export function createJudge(spec: string, location: InputLocation): Judge {
  if (spec === "heuristic") return new HeuristicJudge();
  throw new InputError(`unknown judge "${spec}"; known: heuristic`, location);
}
