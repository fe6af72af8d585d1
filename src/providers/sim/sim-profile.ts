import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import * as z from "zod";
import { InputError } from "../../spec/input-error.ts";
import { packageFile } from "../../spec/package-files.ts";
import { readYamlFile } from "../../spec/read-yaml-file.ts";
import { parseWithSchema } from "../../spec/schema-issues.ts";

export const OUTCOME_CLASSES = [
  "ethical",
  "unethical",
  "deceptive",
  "missing_unethical",
  "missing_ethical",
  "malformed",
] as const;
export type OutcomeClass = (typeof OUTCOME_CLASSES)[number];

const probability = z.number().min(0).max(1);
const rates = z
  .strictObject({
    ethical: probability,
    unethical: probability,
    deceptive: probability,
    missing_unethical: probability,
    missing_ethical: probability,
    malformed: probability,
  })
  .refine((value) => Math.abs(Object.values(value).reduce((a, b) => a + b, 0) - 1) < 1e-6, {
    message: "rates must add up to 1",
  });

export const simProfileSchema = z.strictObject({
  description: z.string().optional(),
  format_variation: z
    .number()
    .min(0)
    .max(1)
    .default(0.2)
    .describe(
      "Share of well-formed turns written in another layout (tags, headings, answer first).",
    ),
  before_intervention: rates,
  intervention: rates.describe("The natural arm's own turn at the intervention point."),
  control_intervention: rates
    .optional()
    .describe(
      "The control arm's own turn at the intervention point, after the neutral request; default: the control arm's follow-up rates.",
    ),
  followup: z.strictObject({ refusal: rates, rebuttal: rates, natural: rates, control: rates }),
});

export type SimProfile = z.output<typeof simProfileSchema>;
export type OutcomeRates = Record<OutcomeClass, number>;

const BUNDLED_PROFILES = packageFile("profiles", "sim");

/** `sim:default` names a bundled profile; `sim:./my-profile.yaml` names a file. */
export function loadSimProfile(name: string): SimProfile {
  const file = /[/\\.]/.test(name) ? resolve(name) : join(BUNDLED_PROFILES, `${name}.yaml`);
  if (!existsSync(file)) {
    throw new InputError(`unknown simulated-subject profile "${name}" (no file ${file})`);
  }
  return parseWithSchema(simProfileSchema, readYamlFile(file), file);
}
