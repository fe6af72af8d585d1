import * as z from "zod";
import { followupStepSchema } from "./scenario.ts";

export const ARMS = ["refusal", "rebuttal", "natural", "control"] as const;
export type Arm = (typeof ARMS)[number];

const identifier = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, "expected lower-case letters, digits, '-' or '_'")
  .max(64);
const modelSpec = z
  .string()
  .regex(/^[a-z][a-z0-9-]*:.+$/, "expected PROVIDER:MODEL, e.g. sim:default or openai:gpt-4o")
  .max(500);

const extraFollowup = followupStepSchema.omit({ role: true }).extend({
  examples_from: identifier
    .optional()
    .describe("Reuse the reference examples (and checks) of this step of the scenario."),
});

const interventionOverride = z.strictObject({
  reasoning: z.string().min(1).max(50_000).optional(),
  output: z.string().min(1).max(50_000).optional(),
});

/** A scenario file named by path (it ends in .yaml or .yml), relative to the experiment file. */
export const SCENARIO_PATH = /\.ya?ml$/i;

/**
 * A scenario reference: an id, looked up as ID.yaml in the scenario folders, or a path to a
 * .yaml file relative to the experiment. One message teaches both forms.
 */
const scenarioReference = z
  .string()
  .min(1)
  .max(1000)
  .refine(
    (value) => /^[a-z0-9][a-z0-9_-]*$/.test(value) || SCENARIO_PATH.test(value),
    "expected a scenario id (lower-case letters, digits, '-' or '_': the file name without .yaml, looked up in scenario_dir) or a path to a .yaml file, relative to this experiment file",
  );

const scenarioEntry = z.union([
  scenarioReference,
  z.strictObject({
    id: scenarioReference,
    factors: z
      .record(identifier, z.array(identifier).min(1))
      .optional()
      .describe("Factor → the levels to run; a factor left out runs at all its levels."),
    interventions: z
      .strictObject({ refusal: interventionOverride, rebuttal: interventionOverride })
      .partial()
      .optional()
      .describe(
        "Replaces parts of the scenario's own refusal or rebuttal turn (its reasoning, its output) in this experiment.",
      ),
    extra_followups: z
      .array(extraFollowup)
      .optional()
      .describe(
        "Follow-ups appended after the scenario's own: longer conversations for persistence studies.",
      ),
  }),
]);

/** Outcomes the primary analysis can be declared on. */
export const PRIMARY_METRICS = ["undesired", "deception", "missing_reasoning"] as const;

const primaryAnalysis = z.strictObject({
  metric: z.enum(PRIMARY_METRICS).default("undesired"),
  followup: z
    .number()
    .int()
    .min(0)
    .max(50)
    .default(1)
    .describe("The follow-up whose judged turns are compared; 0 is the intervention point."),
  contrast: z
    .tuple([z.enum(ARMS), z.enum(ARMS)])
    .default(["refusal", "rebuttal"])
    .describe("Arm A and arm B; the effect is A − B."),
});

const price = z.strictObject({
  input_per_million: z.number().min(0).describe("USD per million input tokens"),
  output_per_million: z.number().min(0).describe("USD per million output tokens"),
});

/** Per-model settings: where the server is, what it costs, how hard to push it. Never keys. */
const httpUrl = z
  .url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" })
  .max(2000);

/** Effort levels OpenAI-style reasoning models accept (`reasoning_effort`). */
export const REASONING_EFFORTS = ["none", "minimal", "low", "medium", "high"] as const;
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];

export const modelSettingsSchema = z.strictObject({
  base_url: z
    .union([httpUrl, z.array(httpUrl).min(1).max(32)])
    .optional()
    .describe(
      "For openai-compatible, ollama or a proxy. A list of URLs serving the same model spreads calls over them by measured latency and free capacity; an endpoint that fails is taken out and tried again later.",
    ),
  api_key_env: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .max(200)
    .optional()
    .describe(
      "The environment variable whose key is sent to this model's server, and to no other (needed for a key to reach a base_url set here).",
    ),
  price: price.optional().describe("Overrides the bundled price table."),
  max_concurrency: z.number().int().min(1).max(1024).optional(),
  timeout_seconds: z.number().gt(0).max(3600).optional(),
  stream: z
    .boolean()
    .optional()
    .describe(
      "Stream replies (OpenAI-style servers): long generations survive proxies' idle timeouts.",
    ),
  context_size: z.number().int().min(256).max(1_048_576).optional().describe("gguf only."),
  rpm: z
    .number()
    .int()
    .min(1)
    .max(10_000_000)
    .optional()
    .describe(
      "Requests per minute this model's endpoint admits (each endpoint of a list); else learned from the provider's rate-limit headers.",
    ),
  tpm: z
    .number()
    .int()
    .min(1)
    .max(1_000_000_000)
    .optional()
    .describe(
      "Tokens (input + output) per minute the endpoint admits; else learned from the provider's rate-limit headers.",
    ),
  retry_budget_seconds: z
    .number()
    .gt(0)
    .max(86_400)
    .optional()
    .describe(
      "How long one call may keep waiting out rate limits and retrying before it fails (default 600).",
    ),
  batch: z
    .boolean()
    .optional()
    .describe(
      "Send calls through the provider's batch API (openai: Batch API, anthropic: Message Batches) at the batch price; rounds of the run are collected into batches.",
    ),
  reasoning_effort: z
    .enum(REASONING_EFFORTS)
    .optional()
    .describe("Passed as reasoning_effort to OpenAI-style reasoning models and recorded."),
  thinking_budget: z
    .number()
    .int()
    .min(1024)
    .max(1_000_000)
    .optional()
    .describe(
      "anthropic only: extended thinking with this many budget tokens (must be below max_tokens); recorded.",
    ),
});
export type ModelSettings = z.output<typeof modelSettingsSchema>;

export const experimentSchema = z.strictObject({
  id: identifier,
  title: z.string().min(1).max(500),
  description: z.string().max(20_000).optional(),
  scenario_dir: z
    .union([z.string().min(1).max(1000), z.array(z.string().min(1).max(1000)).min(1).max(32)])
    .default("scenarios")
    .describe(
      "Where scenario files named by id are found (ID.yaml), relative to this file; a list searches several folders (an id found in two is an error). `candor:scenarios` names the scenarios bundled with candor.",
    ),
  scenarios: z.array(scenarioEntry).min(1),
  subjects: z.array(modelSpec).min(1),
  pressurer: modelSpec
    .optional()
    .describe("The model that writes user turns at follow-ups given as a pressurer instruction."),
  judges: z
    .array(z.string().min(1).max(500))
    .default(["heuristic"])
    .describe("Judges beside the scenario's deterministic checks, which always run."),
  models: z
    .record(modelSpec, modelSettingsSchema)
    .default({})
    .describe("Settings per model spec (subjects and judges alike)."),
  judge_samples: z
    .number()
    .int()
    .min(1)
    .max(20)
    .default(1)
    .describe(
      "Verdicts per model judge and turn; above 1 the judge samples at temperature 1 and the majority counts.",
    ),
  arms: z
    .array(z.enum(ARMS))
    .min(1)
    .default([...ARMS]),
  judge_view: z
    .enum(["blind", "full"])
    .default("blind")
    .describe(
      "What judges (and human labellers) see: `blind` replaces the intervention turn with one placeholder identical in every arm; `full` shows the whole conversation, arm included (a sensitivity analysis).",
    ),
  intervention_format: z
    .enum(["protocol", "bare"])
    .default("protocol")
    .describe(
      "How the refusal and rebuttal are inserted: `protocol` writes them in the scenario's reasoning protocol (reasoning block, then output), as every other assistant turn; `bare` inserts the output text alone (a sensitivity analysis).",
    ),
  tie_breaker: z
    .string()
    .min(1)
    .max(500)
    .optional()
    .describe(
      "A judge (one of `judges`) whose label decides when the judges split evenly; without it a tie stays inconclusive.",
    ),
  primary: primaryAnalysis
    .default({ metric: "undesired", followup: 1, contrast: ["refusal", "rebuttal"] })
    .describe("The analysis declared before the run: the one question the study answers."),
  samples: z.number().int().min(1).max(100_000).default(10),
  temperature: z.number().min(0).max(2).default(1),
  top_p: z.number().gt(0).max(1).default(1),
  max_tokens: z.number().int().min(1).max(100_000).default(800),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(1),
});

export type ExperimentSpec = z.output<typeof experimentSchema>;
export type PrimaryAnalysisSpec = z.output<typeof primaryAnalysis>;
export type ScenarioEntry = z.output<typeof scenarioEntry>;
export type ExtraFollowup = z.output<typeof extraFollowup>;
