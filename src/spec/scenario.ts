import * as z from "zod";

const identifier = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, "expected lower-case letters, digits, '-' or '_'")
  .max(64);
const text = z.string().min(1, "must not be empty").max(50_000);
const variables = z.record(identifier, z.string().max(20_000));

/**
 * When a step applies: every named factor must be at one of the listed levels, and `arm` (a
 * reserved name) at one of the listed arms; a step after the intervention point only.
 */
const when = z
  .record(identifier, z.union([identifier, z.array(identifier).min(1)]))
  .describe(
    "Plays the step only where every named factor is at one of the listed levels; `arm: [refusal, rebuttal]` names arms (steps after the intervention point only).",
  );

const examples = z.strictObject({
  reasoning: z.array(text).min(1),
  output: z.array(text).min(1),
});

/** Reference turns: what desired and undesired answers look like at this point. */
const stepExamples = z
  .strictObject({ desired: examples, undesired: examples })
  .describe(
    "Reference turns for this point: the simulated subject writes from them, and judges may use them as few-shot examples.",
  );

const check = z
  .strictObject({
    id: identifier,
    description: text.optional(),
    target: z.enum(["output", "reasoning", "text"]).default("output"),
    applies_if: text
      .optional()
      .describe(
        "Regular expression; when it does not match the target, the check is inconclusive.",
      ),
    undesired_if: text.describe("Regular expression; a match means the output is undesired."),
    flags: z
      .string()
      .regex(/^[imsu]*$/, "expected regular-expression flags among i, m, s, u")
      .default("i"),
    decisive: z
      .boolean()
      .default(false)
      .describe(
        "Whether finding no match decides `undesired: no`. By default a check decides only in the direction it is written for: a match decides yes, no match leaves the turn to the judges.",
      ),
  })
  .describe("A deterministic check: a pattern over the parsed turn that can decide `undesired`.");

const stepBase = { id: identifier.optional(), when: when.optional() };
const judgedStep = { examples: stepExamples.optional(), checks: z.array(check).optional() };

const consecutiveUserTurn = z
  .boolean()
  .optional()
  .describe(
    "Declares that this user turn follows another user turn on purpose (e.g. a forwarded document after a message); `scenario check` refuses two user turns in a row otherwise.",
  );

const userStep = z.strictObject({
  ...stepBase,
  role: z.literal("user"),
  content: text,
  consecutive_user_turn: consecutiveUserTurn,
  harmful: z
    .boolean()
    .default(false)
    .describe("Part of the harmful request: the `control` arm plays its `neutral` text instead."),
  neutral: text
    .optional()
    .describe(
      "For a harmful step: the same message with only the harmful request replaced by a legitimate one, played in the `control` arm.",
    ),
});
const assistantStep = z.strictObject({ ...stepBase, role: z.literal("assistant"), content: text });
const generateStep = z.strictObject({
  ...stepBase,
  ...judgedStep,
  id: identifier,
  role: z.literal("generate"),
  judged: z.boolean().default(false),
});
const interventionStep = z.strictObject({
  ...judgedStep,
  id: identifier.default("intervention"),
  role: z.literal("intervention"),
  judged_in_control: z
    .boolean()
    .default(true)
    .describe(
      "Whether the control arm's own reply here is judged (the baseline). Set false where nothing could be undesired without the harmful request.",
    ),
});
const followupStep = z.strictObject({
  ...stepBase,
  ...judgedStep,
  id: identifier,
  role: z.literal("followup"),
  consecutive_user_turn: consecutiveUserTurn,
  content: z
    .union([text, z.array(text).min(1)])
    .optional()
    .describe("The user's turn; a list plays one follow-up per entry (scripted escalation)."),
  pressurer: text
    .optional()
    .describe(
      "Instead of content: an instruction to the experiment's pressurer model, which writes the user's turn.",
    ),
  judged_in_control: z
    .boolean()
    .default(true)
    .describe(
      "Whether the reply is judged in the control arm. Set false where 'undesired' only makes sense after the harmful request (e.g. denying a tip that was never given is the truth).",
    ),
});

export const stepSchema = z.discriminatedUnion("role", [
  userStep,
  assistantStep,
  generateStep,
  interventionStep,
  followupStep,
]);

const factorSchema = z.strictObject({
  description: text.optional(),
  baseline: identifier
    .optional()
    .describe("The reference level of factor effects; default: the first level declared."),
  levels: z
    .record(identifier, variables.default({}))
    .refine((levels) => Object.keys(levels).length >= 1, "a factor needs at least one level")
    .describe("Level name → the template variables that level sets."),
});

export const reasoningProtocolSchema = z.strictObject({
  instructions: text.describe("Appended to the system prompt: how to reason, then answer."),
  reasoning_label: z.string().min(1).max(40).default("Reasoning"),
  output_label: z.string().min(1).max(40).default("Response"),
});

/** An inserted assistant turn: its reasoning block and its final output, as the protocol asks. */
const interventionTurn = z.strictObject({
  reasoning: text.describe(
    "The turn's reasoning block: brief and non-committal for a refusal, naming the harm for a rebuttal.",
  ),
  output: text.describe(
    "The turn's final output, written after the output label (for an agentic protocol whose output label is `Action`, the Action lines themselves).",
  ),
});

/**
 * The recommended harm taxonomy: reports group scenarios by it, so a shared vocabulary keeps
 * libraries comparable. Any identifier is accepted for a harm none of these fits.
 */
export const RECOMMENDED_HARM_CATEGORIES = [
  "dishonesty",
  "discrimination",
  "illegal",
  "privacy",
  "health",
  "financial",
  "security",
  "safety",
  "manipulation",
  "environment",
] as const;

export const scenarioSchema = z.strictObject({
  id: identifier,
  title: text,
  harm_category: identifier.describe(
    `What kind of harm the undesired output does. Recommended: ${RECOMMENDED_HARM_CATEGORIES.join(", ")}; any identifier is accepted for a harm none of these fits.`,
  ),
  description: text.optional(),
  system_prompt: text,
  reasoning: reasoningProtocolSchema,
  variables: variables.default({}),
  factors: z.record(identifier, factorSchema).default({}),
  interventions: z
    .strictObject({ refusal: interventionTurn, rebuttal: interventionTurn })
    .describe(
      "The assistant turn placed at the intervention point in the refusal and rebuttal arms, written in the scenario's reasoning protocol.",
    ),
  judging: z.strictObject({
    undesired: text.describe("What counts as undesired output in this scenario, for judges."),
    cues: z
      .strictObject({ undesired: z.array(text).min(1), desired: z.array(text).min(1) })
      .describe("Regular expressions the offline heuristic judge counts in the output.")
      .optional(),
  }),
  steps: z.array(stepSchema).min(1),
});

export type ScenarioSpec = z.output<typeof scenarioSchema>;
export type StepSpec = z.output<typeof stepSchema>;
export type CheckSpec = NonNullable<z.output<typeof generateStep>["checks"]>[number];
export type StepExamples = z.output<typeof stepExamples>;
export type FollowupStepSpec = z.output<typeof followupStep>;
export { followupStep as followupStepSchema };
export type ReasoningProtocolSpec = z.output<typeof reasoningProtocolSchema>;
export type InterventionTurnSpec = z.output<typeof interventionTurn>;
export type InterventionStepSpec = z.output<typeof interventionStep>;
