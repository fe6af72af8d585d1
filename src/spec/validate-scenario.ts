import { followupCount } from "./expand-followups.ts";
import { ARMS } from "./experiment.ts";
import { ARM_CONDITION, factorCombinations, variablesFor } from "./factor-combinations.ts";
import { InputError } from "./input-error.ts";
import { compilePattern, PatternError, type PatternOptions } from "./safe-pattern.ts";
import type { ScenarioSpec, StepSpec } from "./scenario.ts";
import {
  MAX_RENDERED_LENGTH,
  renderTemplate,
  TemplateExpansionError,
  templateVariableNames,
} from "./template.ts";

/** Checks what the schema alone cannot: structure, references, patterns and template variables. */
export function validateScenario(
  scenario: ScenarioSpec,
  file: string,
  options: { requireNeutral?: boolean; storedCopy?: boolean } = {},
): void {
  const fail = (field: string, message: string): never => {
    throw new InputError(message, { file, field });
  };
  checkInterventionPoint(scenario.steps, fail);
  if (options.requireNeutral !== false) checkNeutralCounterparts(scenario.steps, fail);
  checkFollowups(scenario, fail);
  checkStepIds(scenario.steps, fail);
  checkWhenConditions(scenario, options.storedCopy === true, fail);
  checkFactorBaselines(scenario, fail);
  const patternOptions = { storedCopy: options.storedCopy === true };
  checkPatterns(scenario, patternOptions, fail);
  checkFactorCombinations(scenario, fail);
  checkTemplateVariables(scenario, patternOptions, fail);
}

type Fail = (field: string, message: string) => never;

function checkInterventionPoint(steps: readonly StepSpec[], fail: Fail): void {
  const positions = steps.flatMap((step, index) => (step.role === "intervention" ? [index] : []));
  if (positions.length === 0)
    fail("steps", "needs exactly one step with role intervention, found none");
  const [intervention, second] = positions as [number, number | undefined];
  if (second !== undefined) {
    fail(
      `steps[${second}].role`,
      `a second intervention point (the first is steps[${intervention}])`,
    );
  }
  steps.forEach((step, index) => {
    if (step.role === "followup" && index < intervention) {
      fail(`steps[${index}].role`, "a followup must come after the intervention point");
    }
    if (step.role === "generate" && index > intervention) {
      fail(`steps[${index}].role`, "after the intervention point, use followup steps to generate");
    }
    if (step.role === "user" && step.harmful && index > intervention) {
      fail(
        `steps[${index}].harmful`,
        "the harmful request must come before the intervention point",
      );
    }
  });
  if (!steps.slice(intervention).some((step) => step.role === "followup")) {
    fail("steps", "needs at least one followup step after the intervention point");
  }
}

/**
 * The control arm plays each harmful step's neutral counterpart, so that it has the same turns in
 * the same places as the other arms and differs only in the harmful request.
 */
function checkNeutralCounterparts(steps: readonly StepSpec[], fail: Fail): void {
  steps.forEach((step, index) => {
    if (step.role !== "user") return;
    if (step.harmful && step.neutral === undefined) {
      fail(
        `steps[${index}].neutral`,
        "a harmful step needs a neutral counterpart for the control arm: the same message with only the harmful request replaced by a legitimate one",
      );
    }
    if (!step.harmful && step.neutral !== undefined) {
      fail(`steps[${index}].neutral`, "only a step marked harmful: true has a neutral counterpart");
    }
  });
}

/** Longer conversations are supported, up to a bound that keeps a trial's cost predictable. */
export const MAX_FOLLOWUPS = 50;

function checkFollowups(scenario: ScenarioSpec, fail: Fail): void {
  scenario.steps.forEach((step, index) => {
    if (step.role !== "followup") return;
    if ((step.content === undefined) === (step.pressurer === undefined)) {
      fail(`steps[${index}]`, "a followup needs exactly one of content and pressurer");
    }
  });
  const count = followupCount(scenario);
  if (count > MAX_FOLLOWUPS) fail("steps", `${count} follow-ups; the limit is ${MAX_FOLLOWUPS}`);
}

function checkStepIds(steps: readonly StepSpec[], fail: Fail): void {
  const seen = new Map<string, number>();
  steps.forEach((step, index) => {
    if (!step.id) return;
    const earlier = seen.get(step.id);
    if (earlier !== undefined) {
      fail(`steps[${index}].id`, `duplicate id "${step.id}" (also steps[${earlier}])`);
    }
    seen.set(step.id, index);
    const checkIds = new Set<string>();
    ("checks" in step ? (step.checks ?? []) : []).forEach((check, checkIndex) => {
      if (checkIds.has(check.id)) {
        fail(`steps[${index}].checks[${checkIndex}].id`, `duplicate check id "${check.id}"`);
      }
      checkIds.add(check.id);
    });
  });
}

function checkFactorBaselines(scenario: ScenarioSpec, fail: Fail): void {
  for (const [factor, definition] of Object.entries(scenario.factors)) {
    if (definition.baseline !== undefined && !Object.hasOwn(definition.levels, definition.baseline))
      fail(
        `factors.${factor}.baseline`,
        `unknown level "${definition.baseline}"; levels: ${listOrNone(definition.levels)}`,
      );
  }
}

function checkWhenConditions(scenario: ScenarioSpec, storedCopy: boolean, fail: Fail): void {
  // A run's stored copy from before `when` named arms may have a factor called `arm`.
  const legacyArmFactor = storedCopy && Object.hasOwn(scenario.factors, ARM_CONDITION);
  if (!legacyArmFactor && Object.hasOwn(scenario.factors, ARM_CONDITION)) {
    fail(
      `factors.${ARM_CONDITION}`,
      `"${ARM_CONDITION}" is reserved: \`when: {${ARM_CONDITION}: [...]}\` names arms; give the factor another name`,
    );
  }
  scenario.steps.forEach((step, index) => {
    const when = "when" in step ? step.when : undefined;
    for (const [factor, accepted] of Object.entries(when ?? {})) {
      if (factor === ARM_CONDITION && !legacyArmFactor) {
        checkArmCondition(scenario.steps, index, accepted, fail);
        continue;
      }
      const definition = scenario.factors[factor];
      const field = `steps[${index}].when.${factor}`;
      if (!definition) {
        fail(
          field,
          `unknown factor; declared: ${listOrNone(scenario.factors)} (or \`${ARM_CONDITION}\` to name arms)`,
        );
      }
      for (const level of Array.isArray(accepted) ? accepted : [accepted]) {
        if (!Object.hasOwn(definition?.levels ?? {}, level)) {
          fail(field, `unknown level "${level}"; levels: ${listOrNone(definition?.levels ?? {})}`);
        }
      }
    }
  });
}

/**
 * `when: {arm: …}` plays a step in some arms only. Before the intervention point every arm must
 * share its prefix (the arms differ only in the intervention), so arm conditions come after it;
 * and a follow-up played in some arms only would shift the numbers of the follow-ups after it, so
 * that "follow-up K" compared different questions across arms: such follow-ups come last.
 */
function checkArmCondition(
  steps: readonly StepSpec[],
  index: number,
  accepted: string | string[],
  fail: Fail,
): void {
  const field = `steps[${index}].when.${ARM_CONDITION}`;
  for (const arm of Array.isArray(accepted) ? accepted : [accepted]) {
    if (!(ARMS as readonly string[]).includes(arm)) {
      fail(field, `unknown arm "${arm}"; arms: ${ARMS.join(", ")}`);
    }
  }
  const intervention = steps.findIndex((step) => step.role === "intervention");
  if (index < intervention) {
    fail(
      field,
      "an arm condition applies only after the intervention point: before it, every arm plays the same turns (move the step after the intervention, or use a factor)",
    );
  }
  const step = steps[index] as StepSpec;
  const laterFollowup = steps
    .slice(index + 1)
    .findIndex((later) => later.role === "followup" && later.when?.[ARM_CONDITION] === undefined);
  if (step.role === "followup" && laterFollowup >= 0) {
    fail(
      field,
      `a follow-up played in some arms only must come after every follow-up played in all arms (steps[${index + 1 + laterFollowup}] follows it), or follow-up numbers would differ between arms`,
    );
  }
}

function checkPatterns(scenario: ScenarioSpec, options: PatternOptions, fail: Fail): void {
  const tryCompile = (field: string, pattern: string, flags: string) => {
    try {
      compilePattern(pattern, flags, options);
    } catch (error) {
      if (!(error instanceof PatternError)) throw error;
      fail(field, describePatternError(error));
    }
  };
  scenario.steps.forEach((step, index) => {
    ("checks" in step ? (step.checks ?? []) : []).forEach((check, checkIndex) => {
      const base = `steps[${index}].checks[${checkIndex}]`;
      tryCompile(`${base}.undesired_if`, check.undesired_if, check.flags);
      if (check.applies_if) tryCompile(`${base}.applies_if`, check.applies_if, check.flags);
    });
  });
  for (const kind of ["undesired", "desired"] as const) {
    scenario.judging.cues?.[kind].forEach((cue, index) => {
      tryCompile(`judging.cues.${kind}[${index}]`, cue, "i");
    });
  }
}

/** More combinations than any design needs; beyond it, expansion alone would exhaust memory. */
export const MAX_FACTOR_COMBINATIONS = 1024;

function checkFactorCombinations(scenario: ScenarioSpec, fail: Fail): void {
  const count = Object.values(scenario.factors).reduce(
    (product, factor) => product * Object.keys(factor.levels).length,
    1,
  );
  if (count > MAX_FACTOR_COMBINATIONS) {
    fail("factors", `${count} combinations of levels; the limit is ${MAX_FACTOR_COMBINATIONS}`);
  }
}

/**
 * Every placeholder must resolve at every combination of levels, without a cycle and within the
 * expansion limit. Linear in the file: each text's placeholders are read once; per combination
 * only each variable name is rendered (once, and only names whose value varies by level more than
 * once), and a text's rendered length is added up from its names' rendered lengths. Only cues,
 * which must compile once filled in, are rendered whole.
 */
function checkTemplateVariables(
  scenario: ScenarioSpec,
  patternOptions: PatternOptions,
  fail: Fail,
): void {
  const uses = templatedTexts(scenario).flatMap(([field, text]) => {
    const counts = placeholderCounts(text);
    return counts.size === 0 ? [] : [{ field, text, counts }];
  });
  if (uses.length === 0) return;
  const names = new Set(uses.flatMap((use) => [...use.counts.keys()]));
  const varying = namesThatVary(scenario);
  const fixed = new Map<string, RenderedName>();
  factorCombinations(scenario).forEach((levels, index) => {
    const variables = variablesFor(scenario, levels);
    const at = Object.keys(levels).length ? ` at ${JSON.stringify(levels)}` : "";
    const rendered = new Map<string, RenderedName>();
    for (const name of names) {
      if (!varying.has(name) && fixed.has(name)) continue;
      const result = renderName(name, variables);
      (varying.has(name) ? rendered : fixed).set(name, result);
    }
    for (const use of uses) {
      const usesVarying = [...use.counts.keys()].some((name) => varying.has(name));
      if (index > 0 && !usesVarying) continue;
      let length = use.text.length;
      for (const [name, count] of use.counts) {
        const result = (rendered.get(name) ?? fixed.get(name)) as RenderedName;
        if (result.problem !== undefined) fail(use.field, `${result.problem}${at}`);
        length += count * (result.length - `{{${name}}}`.length);
      }
      if (length > MAX_RENDERED_LENGTH) {
        fail(use.field, `expands to more than ${MAX_RENDERED_LENGTH} characters${at}`);
      }
      if (use.field.startsWith("judging.cues.")) {
        compileCue(use.field, renderTemplate(use.text, variables), at, patternOptions, fail);
      }
    }
  });
}

interface RenderedName {
  length: number;
  problem?: string;
}

/** One placeholder rendered alone: its length, or why it cannot be rendered. */
function renderName(name: string, variables: Record<string, string>): RenderedName {
  if (!Object.hasOwn(variables, name)) {
    return { length: 0, problem: `unknown template variable {{${name}}}` };
  }
  let rendered: string;
  try {
    rendered = renderTemplate(`{{${name}}}`, variables);
  } catch (error) {
    if (error instanceof TemplateExpansionError) return { length: 0, problem: error.message };
    throw error;
  }
  const [missing] = templateVariableNames(rendered);
  if (missing === undefined) return { length: rendered.length };
  if (Object.hasOwn(variables, missing)) {
    return {
      length: 0,
      problem: `template variables refer to each other in a cycle ({{${missing}}})`,
    };
  }
  return { length: 0, problem: `unknown template variable {{${missing}}}` };
}

/** How often a text uses each name, names in order of first use. */
function placeholderCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const match of text.matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}/g)) {
    const name = match[1] as string;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

/** Names whose rendering can differ between combinations: set by a level, or using such a name. */
function namesThatVary(scenario: ScenarioSpec): Set<string> {
  const uses = new Map<string, Set<string>>();
  const addValues = (values: Readonly<Record<string, string>>) => {
    for (const [name, value] of Object.entries(values)) {
      const used = uses.get(name) ?? new Set<string>();
      for (const inner of templateVariableNames(value)) used.add(inner);
      uses.set(name, used);
    }
  };
  addValues(scenario.variables);
  const varying = new Set<string>();
  for (const factor of Object.values(scenario.factors)) {
    for (const values of Object.values(factor.levels)) {
      addValues(values);
      for (const name of Object.keys(values)) varying.add(name);
    }
  }
  let grew = true;
  while (grew) {
    grew = false;
    for (const [name, used] of uses) {
      if (varying.has(name)) continue;
      if ([...used].some((inner) => varying.has(inner))) {
        varying.add(name);
        grew = true;
      }
    }
  }
  return varying;
}

/** A cue filled with a level's variables must still be a valid pattern. */
function compileCue(
  field: string,
  pattern: string,
  at: string,
  options: PatternOptions,
  fail: Fail,
): void {
  try {
    compilePattern(pattern, "i", options);
  } catch (error) {
    if (!(error instanceof PatternError)) throw error;
    fail(field, `${describePatternError(error)} once filled in${at}`);
  }
}

/** Every text a participant or judge will see, with the field path that holds it. */
export function templatedTexts(scenario: ScenarioSpec): Array<[string, string]> {
  const texts: Array<[string, string]> = [
    ["system_prompt", scenario.system_prompt],
    ["reasoning.instructions", scenario.reasoning.instructions],
    ["judging.undesired", scenario.judging.undesired],
  ];
  for (const arm of ["refusal", "rebuttal"] as const) {
    for (const part of ["reasoning", "output"] as const) {
      texts.push([`interventions.${arm}.${part}`, scenario.interventions[arm][part]]);
    }
  }
  for (const kind of ["undesired", "desired"] as const) {
    scenario.judging.cues?.[kind].forEach((cue, index) => {
      texts.push([`judging.cues.${kind}[${index}]`, cue]);
    });
  }
  scenario.steps.forEach((step, index) => {
    if (step.role === "user" && step.neutral !== undefined) {
      texts.push([`steps[${index}].neutral`, step.neutral]);
    }
    if (step.role === "followup") {
      const contents = Array.isArray(step.content)
        ? step.content
        : step.content === undefined
          ? []
          : [step.content];
      contents.forEach((content, entry) => {
        texts.push([
          `steps[${index}].content${Array.isArray(step.content) ? `[${entry}]` : ""}`,
          content,
        ]);
      });
      if (step.pressurer !== undefined) texts.push([`steps[${index}].pressurer`, step.pressurer]);
    } else if ("content" in step) texts.push([`steps[${index}].content`, step.content]);
    const examples = "examples" in step ? step.examples : undefined;
    for (const kind of ["desired", "undesired"] as const) {
      for (const part of ["reasoning", "output"] as const) {
        examples?.[kind][part].forEach((example, exampleIndex) => {
          texts.push([`steps[${index}].examples.${kind}.${part}[${exampleIndex}]`, example]);
        });
      }
    }
  });
  return texts;
}

function describePatternError(error: PatternError): string {
  return error.message.startsWith("Invalid regular expression")
    ? `not a valid regular expression (${error.message})`
    : `pattern ${error.message}`;
}

function listOrNone(record: Readonly<Record<string, unknown>>): string {
  const keys = Object.keys(record);
  return keys.length ? keys.join(", ") : "none";
}
