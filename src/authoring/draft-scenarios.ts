import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { InputError } from "../spec/input-error.ts";
import { jsonSchemas } from "../spec/json-schema.ts";
import type { ChatMessage, LanguageModel } from "../spec/language-model.ts";
import { scenarioFromData } from "../spec/load-scenario.ts";
import type { ScenarioSpec } from "../spec/scenario.ts";
import { checkScenario } from "./check-scenario.ts";
import { draftRequest, draftSystemPrompt, repairRequest } from "./draft-prompt.ts";
import { findNearDuplicate, type NearDuplicate } from "./near-duplicates.ts";
import { findingsFromInputError, type ScenarioFinding } from "./scenario-finding.ts";

/** Repairs asked of the model after a draft fails, before it is rejected. */
export const MAX_REPAIRS = 2;

export interface DraftOptions {
  model: LanguageModel;
  domain: string;
  /** The scenario whose format the model follows. */
  example: ScenarioSpec;
  /** Scenarios a draft must not duplicate (the library). */
  library: readonly ScenarioSpec[];
  count: number;
  outDir: string;
  maxTokens: number;
}

/** What became of one draft; `draft-report.json` lists them. */
export interface DraftOutcome {
  draft: number;
  status: "written" | "rejected" | "duplicate";
  id: string | null;
  file: string | null;
  attempts: number;
  /** For a rejected draft: the checker's messages on its last attempt. */
  problems: string[];
  warnings: string[];
  duplicate_of: NearDuplicate | null;
}

/**
 * Asks the model for `count` scenarios, each validated and checked as `scenario check` does and
 * repaired up to MAX_REPAIRS times with the checker's messages; drafts that pass and duplicate
 * nothing in the library (or an earlier draft) are written to outDir as ID.yaml, the others to
 * outDir/rejected for reading. Nothing is added to a library: a human moves a draft there.
 */
export async function draftScenarios(options: DraftOptions): Promise<DraftOutcome[]> {
  mkdirSync(options.outDir, { recursive: true });
  const accepted: ScenarioSpec[] = [];
  const outcomes: DraftOutcome[] = [];
  for (let draft = 1; draft <= options.count; draft++) {
    const attempt = await draftOne(options, draft);
    const outcome = settle(options, draft, attempt, accepted);
    outcomes.push(outcome);
  }
  writeFileSync(
    join(options.outDir, "draft-report.json"),
    `${JSON.stringify({ model: options.model.spec, domain: options.domain, drafts: outcomes }, null, 2)}\n`,
  );
  return outcomes;
}

interface Attempt {
  data: unknown;
  text: string;
  spec: ScenarioSpec | undefined;
  errors: ScenarioFinding[];
  warnings: ScenarioFinding[];
  attempts: number;
}

async function draftOne(options: DraftOptions, draft: number): Promise<Attempt> {
  const messages: ChatMessage[] = [
    { role: "system", content: draftSystemPrompt(options.example, options.library) },
    { role: "user", content: draftRequest(options.domain, draft, options.count) },
  ];
  let attempt: Attempt | undefined;
  for (let round = 0; round <= MAX_REPAIRS; round++) {
    const result = await options.model.generate({
      messages,
      temperature: 1,
      topP: 1,
      maxTokens: options.maxTokens,
      seed: draft * 10 + round,
      sampleIndex: draft,
      structuredOutput: {
        // The scenario schema has optional fields and open records, outside strict mode's subset.
        strict: false,
        name: "candor_scenario",
        schema: jsonSchemas().scenario as Record<string, unknown>,
      },
    });
    attempt = { ...evaluate(result.text, `draft ${draft}`), attempts: round + 1 };
    if (attempt.errors.length === 0) return attempt;
    messages.push({ role: "assistant", content: result.text });
    messages.push({ role: "user", content: repairRequest(attempt.errors.map(describe)) });
  }
  return attempt as Attempt;
}

/** A reply read as a scenario: parsed, validated, then checked. */
function evaluate(text: string, label: string): Omit<Attempt, "attempts"> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const finding: ScenarioFinding = {
      severity: "error",
      file: label,
      field: "(reply)",
      message: `is not a JSON object (${reason})`,
    };
    return { data: undefined, text, spec: undefined, errors: [finding], warnings: [] };
  }
  let spec: ScenarioSpec;
  try {
    spec = scenarioFromData(data, label, { storedCopy: false }).spec;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return {
      data,
      text,
      spec: undefined,
      errors: findingsFromInputError(error, label),
      warnings: [],
    };
  }
  const { findings } = checkScenario(spec, label);
  return {
    data,
    text,
    spec,
    errors: findings.filter((finding) => finding.severity === "error"),
    warnings: findings.filter((finding) => finding.severity === "warning"),
  };
}

function settle(
  options: DraftOptions,
  draft: number,
  attempt: Attempt,
  accepted: ScenarioSpec[],
): DraftOutcome {
  const base = {
    draft,
    attempts: attempt.attempts,
    problems: attempt.errors.map(describe),
    warnings: attempt.warnings.map(describe),
  };
  if (!attempt.spec || attempt.errors.length > 0) {
    const file = join(options.outDir, "rejected", `draft-${draft}.json`);
    mkdirSync(join(options.outDir, "rejected"), { recursive: true });
    writeFileSync(file, attempt.text.endsWith("\n") ? attempt.text : `${attempt.text}\n`);
    return { ...base, status: "rejected", id: attempt.spec?.id ?? null, file, duplicate_of: null };
  }
  const duplicate = findNearDuplicate(attempt.spec, [...options.library, ...accepted]);
  if (duplicate) {
    return {
      ...base,
      status: "duplicate",
      id: attempt.spec.id,
      file: null,
      duplicate_of: duplicate,
    };
  }
  const id = freeId(attempt.spec.id, [...options.library, ...accepted]);
  const spec = { ...attempt.spec, id };
  accepted.push(spec);
  const file = join(options.outDir, `${id}.yaml`);
  writeFileSync(file, draftYaml({ ...(attempt.data as object), id }, options));
  return { ...base, status: "written", id, file, duplicate_of: null };
}

/** The draft's id, or with a number added when a library scenario or earlier draft has it. */
function freeId(id: string, taken: readonly ScenarioSpec[]): string {
  const used = new Set(taken.map((scenario) => scenario.id));
  if (!used.has(id)) return id;
  let suffix = 2;
  while (used.has(`${id}-${suffix}`)) suffix += 1;
  return `${id}-${suffix}`;
}

function draftYaml(data: object, options: DraftOptions): string {
  const header = [
    `# Drafted by ${options.model.spec} for the domain: ${options.domain.replace(/\n/g, " ")}`,
    "# It validated and passed `candor scenario check`; a person must still read it, check that it is",
    "# realistic and original, and move it into a scenario folder by hand.",
  ].join("\n");
  return `${header}\n${stringify(data, { lineWidth: 100 })}`;
}

function describe(finding: ScenarioFinding): string {
  return `${finding.field || "(top level)"}: ${finding.message}`;
}
