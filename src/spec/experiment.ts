import { z } from "zod";

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

const scenarioEntry = z.union([
  identifier,
  z.strictObject({
    id: identifier,
    factors: z
      .record(identifier, z.array(identifier).min(1))
      .optional()
      .describe("Factor → the levels to run; a factor left out runs at all its levels."),
    interventions: z
      .strictObject({
        refusal: z.string().min(1).optional(),
        rebuttal: z.string().min(1).optional(),
      })
      .optional()
      .describe("Replaces the scenario's own refusal or rebuttal text in this experiment."),
  }),
]);

export const experimentSchema = z.strictObject({
  id: identifier,
  title: z.string().min(1).max(500),
  description: z.string().max(20_000).optional(),
  scenario_dir: z
    .string()
    .min(1)
    .default("scenarios")
    .describe("Where scenario files named by id are found, relative to this file."),
  scenarios: z.array(scenarioEntry).min(1),
  subjects: z.array(modelSpec).min(1),
  judges: z
    .array(z.string().min(1).max(500))
    .default(["heuristic"])
    .describe("Judges beside the scenario's deterministic checks, which always run."),
  arms: z
    .array(z.enum(ARMS))
    .min(1)
    .default([...ARMS]),
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
export type ScenarioEntry = z.output<typeof scenarioEntry>;
