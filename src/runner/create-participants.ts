import { HeuristicJudge } from "../judges/heuristic-judge.ts";
import type { Judge } from "../judges/judge.ts";
import { LlmJudge } from "../judges/llm-judge.ts";
import type { EndpointFigures } from "../providers/call-monitor.ts";
import {
  createLanguageModel,
  defaultModelEnvironment,
} from "../providers/create-language-model.ts";
import type { ModelEnvironment } from "../providers/model-environment.ts";
import { type Price, priceOf } from "../providers/price-table.ts";
import { SpendBudget } from "../providers/spend-budget.ts";
import { usesPressurer } from "../spec/expand-followups.ts";
import { InputError, type InputLocation } from "../spec/input-error.ts";
import type { LanguageModel } from "../spec/language-model.ts";
import type { LoadedExperiment } from "../spec/load-experiment.ts";

/** Models and judges for an experiment; made before anything is written, so bad specs write nothing. */
export interface Participants {
  subjects: Map<string, LanguageModel>;
  judges: Judge[];
  /** Writes user turns where a scenario's follow-up gives an instruction instead of text. */
  pressurer?: LanguageModel;
  /** By subject and judge spec; undefined where no price is known. */
  prices: Map<string, Price | undefined>;
  /** Calls allowed in flight now across the endpoints in use (they adapt to rate limits). */
  concurrency: () => number;
  /** Live figures of every endpoint's calls (requests/s, tokens/s, 429s, retries). */
  calls: () => EndpointFigures[];
  /** What every model call has cost so far, and `--max-cost` once the runner sets it. */
  budget: SpendBudget;
}

/** The command-line option that replaced a list, so errors name it instead of the file. */
export interface ParticipantOverrides {
  subjects?: string;
  judges?: string;
  pressurer?: string;
}

export function createParticipants(
  experiment: LoadedExperiment,
  overridden: ParticipantOverrides = {},
  environmentGiven: ModelEnvironment = defaultModelEnvironment({
    settings: experiment.spec.models,
  }),
): Participants {
  const budget = environmentGiven.budget ?? new SpendBudget();
  const environment = { ...environmentGiven, budget };
  const where = (list: "subjects" | "judges", index: number): InputLocation => {
    const option = overridden[list];
    return option ? { field: option } : { file: experiment.file, field: `${list}[${index}]` };
  };
  const subjects = new Map(
    experiment.spec.subjects.map(
      (spec, index) =>
        [spec, createLanguageModel(spec, where("subjects", index), environment)] as const,
    ),
  );
  const judges = experiment.spec.judges.flatMap((spec, index) =>
    createJudges(spec, where("judges", index), environment, experiment.spec.judge_samples),
  );
  const pressurer = createPressurer(experiment, overridden, environment);
  const specs = [
    ...experiment.spec.subjects,
    ...experiment.spec.judges.filter((spec) => spec !== "heuristic"),
    ...(experiment.spec.pressurer ? [experiment.spec.pressurer] : []),
  ];
  const prices = new Map(
    specs.map((spec) => [spec, priceOf(spec, experiment.spec.models[spec])] as const),
  );
  const concurrency = () =>
    [...environment.endpointLimits.values()].reduce((sum, limit) => sum + limit.current, 0);
  const calls = () => environment.callMonitor?.snapshot() ?? [];
  return {
    subjects,
    judges,
    prices,
    concurrency,
    calls,
    budget,
    ...(pressurer ? { pressurer } : {}),
  };
}

/** A judge, repeated `samples` times when it is a model (the heuristic says the same every time). */
function createJudges(
  spec: string,
  location: InputLocation,
  environment: ModelEnvironment,
  samples: number,
): Judge[] {
  const first = createJudge(spec, location, environment);
  if (samples === 1 || !(first instanceof LlmJudge)) return [first];
  const model = createLanguageModel(spec, location, environment);
  return Array.from({ length: samples }, (_, sample) => new LlmJudge(model, { sample }));
}

/** `heuristic` is the offline baseline; any model spec is an LLM judge on that model. */
export function createJudge(
  spec: string,
  location: InputLocation,
  environment: ModelEnvironment,
): Judge {
  if (spec === "heuristic") return new HeuristicJudge();
  if (!spec.includes(":")) {
    throw new InputError(
      `unknown judge "${spec}"; a judge is heuristic or a model spec PROVIDER:MODEL`,
      location,
    );
  }
  return new LlmJudge(createLanguageModel(spec, location, environment));
}

function createPressurer(
  experiment: LoadedExperiment,
  overridden: ParticipantOverrides,
  environment: ModelEnvironment,
): LanguageModel | undefined {
  const spec = experiment.spec.pressurer;
  const location: InputLocation = overridden.pressurer
    ? { field: overridden.pressurer }
    : { file: experiment.file, field: "pressurer" };
  const needing = experiment.scenarios.find((scenario) => usesPressurer(scenario.loaded.spec));
  if (!spec) {
    if (!needing) return undefined;
    throw new InputError(
      `scenario "${needing.loaded.spec.id}" has follow-ups written by a pressurer model; set one (e.g. sim:default) or pass --pressurer`,
      location,
    );
  }
  return createLanguageModel(spec, location, environment);
}
