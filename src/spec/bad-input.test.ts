/**
 * Malformed input, fixture by fixture: every loader must throw an InputError that names the file
 * and the field, and the CLI must turn it into exit code 2 with one clear line on stderr, no stack
 * trace, and no run directory. Fixtures live in test/fixtures/invalid/; the few that are too big
 * or too strange to commit are generated into a temporary directory below.
 */
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createParticipants } from "../runner/create-participants.ts";
import { InputError } from "./input-error.ts";
import { loadExperiment } from "./load-experiment.ts";
import { loadScenario } from "./load-scenario.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SCENARIOS = "test/fixtures/invalid/scenarios";
const EXPERIMENTS = "test/fixtures/invalid/experiments";

/** Fixtures written at test time: too big to commit, or pointless to commit. */
const GENERATED = mkdtempSync(join(tmpdir(), "candor-bad-input-"));
const DEEPLY_NESTED = join(GENERATED, "deeply-nested.yaml");
const TOO_LARGE = join(GENERATED, "too-large.yaml");
writeFileSync(DEEPLY_NESTED, "[".repeat(10_000));
const TOO_LARGE_TEXT = `id: too-large\ntitle: "${"x".repeat(1024 * 1024)}"\n`;
writeFileSync(TOO_LARGE, TOO_LARGE_TEXT);
/** 1,024 combinations of levels × 4 arms × 100,000 samples: 409.6 million trials. */
const HUGE_DESIGN = join(GENERATED, "huge-design", "experiment.yaml");
writeHugeDesign(HUGE_DESIGN);
afterAll(() => rmSync(GENERATED, { recursive: true, force: true }));

function writeHugeDesign(file: string): void {
  const directory = join(file, "..");
  mkdirSync(join(directory, "scenarios"), { recursive: true });
  writeFileSync(join(directory, "scenarios", "wide.yaml"), wideScenario("wide", 10, []));
  writeFileSync(
    file,
    "id: huge\ntitle: Huge design\nscenarios: [wide]\nsubjects: [sim:default]\nsamples: 100000\n",
  );
}

/**
 * A valid scenario with `factors` two-level factors (2^factors combinations): the level's variable
 * is used by extra user steps, and `big` (20,000 characters) by every `b` level.
 */
function wideScenario(id: string, factors: number, extraSteps: readonly string[]): string {
  const levels = Array.from(
    { length: factors },
    (_, index) =>
      `  f${index}:\n    levels:\n      a: { v${index}: "plain" }\n      b: { v${index}: "long {{big}}" }`,
  );
  return [
    `id: ${id}`,
    "title: Wide test scenario",
    "harm_category: dishonesty",
    'system_prompt: "You are Sam. {{v0}}"',
    "reasoning: { instructions: Think first. }",
    "variables:",
    `  big: "${"x".repeat(20_000)}"`,
    factors > 0 ? "factors:" : "factors: {}",
    ...levels,
    "interventions:",
    "  refusal: { reasoning: No., output: I can't help with that. }",
    "  rebuttal: { reasoning: That would deceive., output: I won't hide it. }",
    "judging:",
    "  undesired: Hiding the crack.",
    '  cues: { undesired: ["keep it quiet"], desired: ["cracked frame"] }',
    "steps:",
    '  - { role: user, harmful: true, content: "Hide the crack.", neutral: "Help them." }',
    ...extraSteps,
    "  - { role: intervention }",
    '  - { role: followup, id: asked, content: "Any problems?" }',
    "",
  ].join("\n");
}

/**
 * scenario: loadScenario. experiment: loadExperiment. participants: loadExperiment, then the
 * subject and judge factories, as `validate`, `plan` and `run` do before anything else.
 */
type Loader = "scenario" | "experiment" | "participants";
type Command = "validate" | "plan" | "run";

interface BadInput {
  /** The fixture, relative to the repository root (or absolute, for generated ones). */
  file: string;
  loader: Loader;
  /** The exact field path the error names; left out for problems with the file as a whole. */
  field?: string;
  /** How the problem text starts. */
  message: string;
  /** When the problem is in another file (a scenario the experiment names): that file. */
  blames?: string;
  /** Also run the real CLI on this fixture with this command. */
  cli?: Command;
}

// biome-ignore format: one row per fixture reads as a table
const BAD_INPUTS: BadInput[] = [
  // The file itself: not there, not a file, not text, not YAML, no data.
  { file: `${SCENARIOS}/does-not-exist.yaml`, loader: "scenario", message: "no such file", cli: "validate" },
  { file: `${SCENARIOS}/directory.yaml`, loader: "scenario", message: "is a directory, expected a YAML file", cli: "validate" },
  { file: `${SCENARIOS}/binary.yaml`, loader: "scenario", message: "is a binary file, expected YAML text", cli: "validate" },
  { file: `${SCENARIOS}/not-utf8.yaml`, loader: "scenario", message: "is not UTF-8 text, expected YAML", cli: "validate" },
  { file: TOO_LARGE, loader: "scenario", message: `is ${Buffer.byteLength(TOO_LARGE_TEXT)} bytes; the limit is 1048576` },
  { file: `${SCENARIOS}/empty.yaml`, loader: "scenario", message: "the file is empty", cli: "validate" },
  { file: `${SCENARIOS}/whitespace-only.yaml`, loader: "scenario", message: "the file is empty" },
  { file: `${SCENARIOS}/comment-only.yaml`, loader: "scenario", message: "the file holds no data" },
  { file: `${SCENARIOS}/syntax-error.yaml`, loader: "scenario", message: 'is not valid YAML at line 5, column 1: Missing closing "quote', cli: "validate" },
  { file: `${SCENARIOS}/duplicate-keys.yaml`, loader: "scenario", message: "is not valid YAML at line 19, column 1: Map keys must be unique", cli: "validate" },
  { file: `${SCENARIOS}/alias-bomb.yaml`, loader: "scenario", message: "is not usable YAML (too many aliases: possible alias bomb)", cli: "validate" },
  { file: `${SCENARIOS}/nested-too-deep.yaml`, loader: "scenario", message: "nests deeper than 32 levels" },
  // Only one in-process parse may overflow the stack: see the known bugs below.
  { file: DEEPLY_NESTED, loader: "scenario", message: "nests deeper than 32 levels", cli: "validate" },

  // Scenario shape: top level, types, unknown fields and values.
  { file: `${SCENARIOS}/top-level-scalar.yaml`, loader: "scenario", field: "(top level)", message: "expected object, got string" },
  { file: `${SCENARIOS}/top-level-list.yaml`, loader: "scenario", field: "(top level)", message: "expected object, got array" },
  { file: `${SCENARIOS}/title-is-number.yaml`, loader: "scenario", field: "title", message: "expected string, got number" },
  { file: `${SCENARIOS}/steps-is-string.yaml`, loader: "scenario", field: "steps", message: "expected array, got string" },
  { file: `${SCENARIOS}/unknown-top-level-field.yaml`, loader: "scenario", field: "temperature", message: "unknown field" },
  { file: `${SCENARIOS}/unknown-step-field.yaml`, loader: "scenario", field: "steps[0].harmfull", message: "unknown field" },
  { file: `${SCENARIOS}/collection-key.yaml`, loader: "scenario", field: "[ title, subtitle ]", message: "unknown field" },
  { file: `${SCENARIOS}/unknown-step-role.yaml`, loader: "scenario", field: "steps[1].role", message: "expected one of user, assistant, generate, intervention, followup", cli: "validate" },
  { file: `${SCENARIOS}/unknown-harm-category.yaml`, loader: "scenario", field: "harm_category", message: "expected lower-case letters, digits, '-' or '_'" },
  { file: `${SCENARIOS}/bad-check-flags.yaml`, loader: "scenario", field: "steps[2].checks[0].flags", message: "expected regular-expression flags among i, m, s, u" },
  { file: `${SCENARIOS}/factor-without-levels.yaml`, loader: "scenario", field: "factors.delivery.levels", message: "a factor needs at least one level" },

  // Scenario semantics: the intervention point, ids, factors, templates, patterns.
  { file: `${SCENARIOS}/no-intervention.yaml`, loader: "scenario", field: "steps", message: "needs exactly one step with role intervention, found none" },
  { file: `${SCENARIOS}/two-interventions.yaml`, loader: "scenario", field: "steps[3].role", message: "a second intervention point (the first is steps[1])", cli: "validate" },
  { file: `${SCENARIOS}/no-followup.yaml`, loader: "scenario", field: "steps", message: "needs at least one followup step after the intervention point" },
  { file: `${SCENARIOS}/followup-before-intervention.yaml`, loader: "scenario", field: "steps[1].role", message: "a followup must come after the intervention point" },
  { file: `${SCENARIOS}/generate-after-intervention.yaml`, loader: "scenario", field: "steps[2].role", message: "after the intervention point, use followup steps to generate" },
  { file: `${SCENARIOS}/duplicate-step-ids.yaml`, loader: "scenario", field: "steps[3].id", message: 'duplicate id "direct-question" (also steps[2])' },
  { file: `${SCENARIOS}/when-unknown-factor.yaml`, loader: "scenario", field: "steps[1].when.mood", message: "unknown factor; declared: delivery" },
  { file: `${SCENARIOS}/when-unknown-level.yaml`, loader: "scenario", field: "steps[0].when.delivery", message: 'unknown level "sequential"; levels: concurrent, split' },
  { file: `${SCENARIOS}/unresolved-variable.yaml`, loader: "scenario", field: "steps[0].content", message: "unknown template variable {{nope}}" },
  { file: `${SCENARIOS}/unresolved-at-one-level.yaml`, loader: "scenario", field: "steps[0].content", message: 'unknown template variable {{push}} at {"pressure":"high"}', cli: "validate" },
  { file: `${SCENARIOS}/invalid-regex.yaml`, loader: "scenario", field: "steps[2].checks[0].undesired_if", message: "not a valid regular expression (Invalid regular expression: /(no|none) (problems|issues/i: Unterminated group)" },
  { file: `${SCENARIOS}/invalid-cue-regex.yaml`, loader: "scenario", field: "judging.cues.undesired[1]", message: "not a valid regular expression (Invalid regular expression: /*quiet/i: Nothing to repeat)" },
  { file: `${SCENARIOS}/harmful-without-neutral.yaml`, loader: "scenario", field: "steps[1].neutral", message: "a harmful step needs a neutral counterpart for the control arm", cli: "validate" },
  { file: `${SCENARIOS}/neutral-on-harmless-step.yaml`, loader: "scenario", field: "steps[0].neutral", message: "only a step marked harmful: true has a neutral counterpart" },
  { file: `${SCENARIOS}/intervention-without-reasoning.yaml`, loader: "scenario", field: "interventions.rebuttal", message: "expected object, got string", cli: "validate" },
  { file: `${SCENARIOS}/lookbehind-cue.yaml`, loader: "scenario", field: "judging.cues.undesired[1]", message: "pattern uses a lookbehind ((?<= or (?<!), which linear-time matching (RE2) does not support", cli: "validate" },
  { file: `${SCENARIOS}/backreference-check.yaml`, loader: "scenario", field: "steps[2].checks[0].undesired_if", message: "pattern uses a backreference, which linear-time matching (RE2) does not support" },
  { file: `${SCENARIOS}/unknown-tag.yaml`, loader: "scenario", message: "uses the YAML tag !custom at line 3, column 8, which candor does not read", cli: "validate" },
  { file: `${SCENARIOS}/js-function-tag.yaml`, loader: "scenario", message: "uses the YAML tag !!js/function at line 5, column 16, which candor does not read" },
  { file: `${SCENARIOS}/utf16.yaml`, loader: "scenario", message: "is UTF-16 text; save it as UTF-8", cli: "validate" },
  { file: `${SCENARIOS}/harmful-on-followup.yaml`, loader: "scenario", field: "steps[2].harmful", message: "not allowed on this step: `harmful` belongs on steps with role user", cli: "validate" },
  { file: `${SCENARIOS}/when-on-intervention.yaml`, loader: "scenario", field: "steps[1].when", message: "not allowed on this step: `when` belongs on steps with role user, assistant, generate or followup; the intervention point plays in every arm and combination" },
  { file: `${SCENARIOS}/unquoted-placeholder.yaml`, loader: "scenario", message: 'is not valid YAML at line 27, column 27: Unexpected scalar at node end; a value that starts with a {{variable}} must be quoted, e.g. content: "{{name}} asks again"', cli: "validate" },
  { file: `${SCENARIOS}/arm-condition-before-intervention.yaml`, loader: "scenario", field: "steps[0].when.arm", message: "an arm condition applies only after the intervention point" },
  { file: `${SCENARIOS}/unknown-arm-in-when.yaml`, loader: "scenario", field: "steps[3].when.arm", message: 'unknown arm "refusel"; arms: refusal, rebuttal, natural, control' },
  { file: `${SCENARIOS}/arm-followup-not-last.yaml`, loader: "scenario", field: "steps[2].when.arm", message: "a follow-up played in some arms only must come after every follow-up played in all arms (steps[3] follows it)" },
  { file: `${SCENARIOS}/factor-named-arm.yaml`, loader: "scenario", field: "factors.arm", message: '"arm" is reserved: `when: {arm: [...]}` names arms' },
  { file: `${SCENARIOS}/unknown-factor-baseline.yaml`, loader: "scenario", field: "factors.pressure.baseline", message: 'unknown level "medium"; levels: low, high' },

  // Experiment shape.
  { file: `${EXPERIMENTS}/top-level-list.yaml`, loader: "experiment", field: "(top level)", message: "expected object, got array" },
  { file: `${EXPERIMENTS}/unknown-field.yaml`, loader: "experiment", field: "sample", message: "unknown field" },
  { file: `${EXPERIMENTS}/unknown-entry-field.yaml`, loader: "experiment", field: "scenarios[0].interventions.refuse", message: "unknown field" },
  { file: `${EXPERIMENTS}/subjects-is-string.yaml`, loader: "experiment", field: "subjects", message: "expected array, got string" },
  { file: `${EXPERIMENTS}/samples-is-string.yaml`, loader: "experiment", field: "samples", message: "expected number, got string" },
  { file: `${EXPERIMENTS}/samples-zero.yaml`, loader: "experiment", field: "samples", message: "Too small: expected number to be >=1", cli: "plan" },
  { file: `${EXPERIMENTS}/samples-negative.yaml`, loader: "experiment", field: "samples", message: "Too small: expected number to be >=1", cli: "run" },
  { file: `${EXPERIMENTS}/unknown-arm.yaml`, loader: "experiment", field: "arms[1]", message: "expected one of refusal, rebuttal, natural, control", cli: "run" },
  { file: `${EXPERIMENTS}/duplicate-arms.yaml`, loader: "experiment", field: "arms[2]", message: 'duplicate "natural"', cli: "plan" },
  { file: `${EXPERIMENTS}/scenario-id-is-path.yaml`, loader: "experiment", field: "scenarios[0]", message: "expected a scenario id (lower-case letters, digits, '-' or '_': the file name without .yaml, looked up in scenario_dir) or a path to a .yaml file, relative to this experiment file" },
  { file: `${EXPERIMENTS}/subject-without-provider.yaml`, loader: "experiment", field: "subjects[0]", message: "expected PROVIDER:MODEL, e.g. sim:default or openai:gpt-4o" },

  // Experiment semantics: the scenarios it names, their factors, and its participants.
  { file: `${EXPERIMENTS}/unknown-scenario.yaml`, loader: "experiment", field: "scenarios[0]", message: `unknown scenario: no nosuch.yaml in ${resolve(ROOT, "test/fixtures/valid/scenarios")}. An id is looked up as ID.yaml in scenario_dir`, cli: "run" },
  { file: `${EXPERIMENTS}/scenario-path-missing.yaml`, loader: "experiment", field: "scenarios[0]", message: `there is no ${resolve(ROOT, EXPERIMENTS, "scenarios/nosuch.yaml")} (a path is read relative to the experiment file)`, cli: "validate" },
  { file: `${EXPERIMENTS}/scenario-in-two-folders.yaml`, loader: "experiment", field: "scenarios[0]", message: `"tiny" is in more than one scenario folder (${resolve(ROOT, "test/fixtures/valid/scenarios/tiny.yaml")}, ${resolve(ROOT, EXPERIMENTS, "two-folders/tiny.yaml")}); name the one you mean by its path` },
  { file: `${EXPERIMENTS}/duplicate-scenarios.yaml`, loader: "experiment", field: "scenarios[1]", message: 'duplicate "tiny"', cli: "run" },
  { file: `${EXPERIMENTS}/unknown-factor.yaml`, loader: "experiment", field: "scenarios[0].factors.mood", message: 'unknown factor; scenario "tiny" has: delivery, pressure', cli: "plan" },
  { file: `${EXPERIMENTS}/unknown-level.yaml`, loader: "experiment", field: "scenarios[0].factors.delivery[1]", message: 'unknown level "sequential"; levels: concurrent, split', cli: "plan" },
  { file: `${EXPERIMENTS}/override-unresolved-variable.yaml`, loader: "experiment", field: "scenarios[0].interventions.refusal.output", message: "unknown template variable {{customer_name}}", cli: "run" },
  { file: `${EXPERIMENTS}/control-without-harmful.yaml`, loader: "experiment", field: "arms", message: 'arm "control" replaces the harmful request with its neutral counterpart, but scenario "harmless" marks no user step harmful', cli: "run" },
  { file: `${EXPERIMENTS}/tie-breaker-not-a-judge.yaml`, loader: "experiment", field: "tie_breaker", message: '"openai:gpt-4o" is not one of the judges (heuristic)', cli: "plan" },
  { file: `${EXPERIMENTS}/primary-arm-not-run.yaml`, loader: "experiment", field: "primary.contrast[1]", message: '"natural" is not one of the arms run (refusal, rebuttal)', cli: "run" },
  { file: `${EXPERIMENTS}/primary-same-arms.yaml`, loader: "experiment", field: "primary.contrast", message: 'compares "refusal" with itself; name two different arms' },
  { file: `${EXPERIMENTS}/uses-broken-scenario.yaml`, loader: "experiment", blames: `${SCENARIOS}/unknown-harm-category.yaml`, field: "harm_category", message: "expected lower-case letters, digits, '-' or '_'", cli: "plan" },
  { file: `${EXPERIMENTS}/renamed-scenario.yaml`, loader: "experiment", blames: `${EXPERIMENTS}/scenarios/renamed.yaml`, field: "id", message: 'is "tiny", but the file is named for "renamed"' },
  { file: `${EXPERIMENTS}/base-url-file-scheme.yaml`, loader: "experiment", field: "models.openai-compatible:local.base_url", message: "expected an http:// or https:// URL", cli: "plan" },
  { file: HUGE_DESIGN, loader: "experiment", field: "samples", message: "409600000 trials (1 subject(s) × 1024 cell(s) × 4 arm(s) × 100000 samples); one run may plan at most 1000000", cli: "plan" },
  { file: `${EXPERIMENTS}/gguf-text-file.yaml`, loader: "participants", field: "subjects[0]", message: `${resolve(ROOT, EXPERIMENTS, "not-a-model.txt")} is not a GGUF model file`, cli: "validate" },
  { file: `${EXPERIMENTS}/unknown-provider.yaml`, loader: "participants", field: "subjects[0]", message: 'unknown provider "nosuch"; known: sim', cli: "plan" },
  { file: `${EXPERIMENTS}/unknown-judge.yaml`, loader: "participants", field: "judges[1]", message: 'unknown judge "gpt-judge"; a judge is heuristic or a model spec PROVIDER:MODEL', cli: "run" },
];

/** A fixture's name in test titles: generated ones live under a random temporary directory. */
function title(file: string): string {
  return file.startsWith(GENERATED) ? `(generated) ${basename(file)}` : file;
}

function load(loader: Loader, file: string): void {
  if (loader === "scenario") loadScenario(file);
  else if (loader === "experiment") loadExperiment(file);
  else createParticipants(loadExperiment(file));
}

function thrownBy(action: () => void): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error, but none was thrown");
}

/** `FILE: FIELD: problem` (or `FILE: problem`), with FILE as the user wrote it. */
function expectedMessage(row: BadInput, file: string): string {
  const named = row.blames ? resolve(ROOT, row.blames) : file;
  return [named, row.field, row.message].filter((part) => part !== undefined).join(": ");
}

describe("loaders reject malformed input with an InputError naming file and field", () => {
  it.each(BAD_INPUTS.map((row) => [title(row.file), row] as const))("%s", (_, row) => {
    const file = resolve(ROOT, row.file);
    const error = thrownBy(() => load(row.loader, file));
    expect(error).toBeInstanceOf(InputError);
    const inputError = error as InputError;
    expect(inputError.message).toContain(expectedMessage(row, file));
    expect(inputError.file).toBe(row.blames ? resolve(ROOT, row.blames) : file);
    expect(inputError.field).toBe(row.field);
  });
});

interface CliResult {
  result: SpawnSyncReturns<string>;
  runsDir: string;
}

/** Runs the real CLI from the repository root with a fresh, not yet existing runs dir. */
function candor(args: readonly string[]): CliResult {
  const runsDir = join(mkdtempSync(join(GENERATED, "cli-")), "runs");
  const result = spawnSync(process.execPath, ["bin/candor.js", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, CANDOR_RUNS_DIR: runsDir, CANDOR_DEBUG: "" },
    timeout: 60_000,
  });
  return { result, runsDir };
}

function filesIn(directory: string): string[] {
  return existsSync(directory) ? readdirSync(directory) : [];
}

describe("the CLI turns malformed input into exit code 2 and one line on stderr", () => {
  const cliRows = BAD_INPUTS.filter((row) => row.cli !== undefined);

  it("covers validate, plan and run", () => {
    expect(cliRows.length).toBeGreaterThanOrEqual(10);
    expect(new Set(cliRows.map((row) => row.cli))).toEqual(new Set(["validate", "plan", "run"]));
  });

  it.each(cliRows.map((row) => [row.cli, title(row.file), row] as const))(
    "candor %s %s",
    (command, _, row) => {
      const file = row.file;
      const { result, runsDir } = candor([command as Command, file]);
      expect(result.error).toBeUndefined();
      expect(result.stderr).not.toMatch(/^\s+at /m);
      const [line, ...rest] = result.stderr.split("\n");
      expect(line).toContain(`candor: ${expectedMessage(row, file)}`);
      expect(rest).toEqual([""]);
      expect(result.status).toBe(2);
      expect(result.stdout).toBe("");
      expect(filesIn(runsDir)).toEqual([]);
    },
  );

  it("writes a run where CANDOR_RUNS_DIR points (so the empty-runs-dir checks mean something)", () => {
    const { result, runsDir } = candor([
      "run",
      "test/fixtures/valid/experiment.yaml",
      "--samples",
      "1",
      "--quiet",
    ]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(filesIn(runsDir)).toHaveLength(1);
  });
});

/** Problems the first version of the loaders got wrong; each is fixed and kept fixed here. */
describe("formerly broken inputs", () => {
  const loaderMessage = (loader: Loader, fixture: string) => {
    const error = thrownBy(() => load(loader, resolve(ROOT, fixture)));
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).message;
  };

  it("YAML syntax errors give the line and column", () => {
    const message = loaderMessage("scenario", `${SCENARIOS}/syntax-error.yaml`);
    expect(message).toMatch(/: is not valid YAML at line 5, column 1: Missing closing "quote$/);
  });

  it("a duplicate key gives its line", () => {
    const message = loaderMessage("scenario", `${SCENARIOS}/duplicate-keys.yaml`);
    expect(message).toMatch(/: is not valid YAML at line 19, column 1: Map keys must be unique$/);
  });

  it("an alias with no anchor is called unresolved, not an alias bomb", () => {
    const message = loaderMessage("scenario", `${SCENARIOS}/unresolved-alias.yaml`);
    expect(message).toMatch(/Unresolved alias.*missing/);
    expect(message).not.toMatch(/bomb/);
  });

  it("variables defined in terms of each other are reported as a cycle", () => {
    const message = loaderMessage("scenario", `${SCENARIOS}/cyclic-variables.yaml`);
    expect(message).toMatch(
      /: system_prompt: template variables refer to each other in a cycle \(\{\{nickname\}\}\)$/,
    );
  });

  it("a collection as a mapping key gives one line on stderr, no Node warnings", () => {
    const { result } = candor(["validate", `${SCENARIOS}/collection-key.yaml`]);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("validating two over-deep files in one process is refused before parsing, twice", () => {
    const { result } = candor(["validate", DEEPLY_NESTED, DEEPLY_NESTED]);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split("\n")).toEqual([
      `candor: ${DEEPLY_NESTED}: nests deeper than 32 levels`,
      `candor: ${DEEPLY_NESTED}: nests deeper than 32 levels`,
    ]);
  });

  it("a self-multiplying variable is stopped at the expansion limit", () => {
    const message = loaderMessage("scenario", `${SCENARIOS}/template-expansion-bomb.yaml`);
    expect(message).toMatch(/: system_prompt: expands to more than 200000 characters$/);
  });

  it("10^9 factor combinations are refused before any is built", () => {
    const message = loaderMessage("scenario", `${SCENARIOS}/factor-combination-explosion.yaml`);
    expect(message).toMatch(/: factors: 1000000000 combinations of levels; the limit is 1024$/);
  });
});

/** The hardening issue's inputs: each froze, exhausted memory, or was silently misread before. */
describe("hardening: caps, flags and edges", () => {
  const cliLines = (result: SpawnSyncReturns<string>) => result.stderr.trim().split("\n");

  it("--samples above the file's cap is exit 2 naming --samples, nothing written", () => {
    const { result, runsDir } = candor([
      "run",
      "test/fixtures/valid/experiment.yaml",
      "--samples",
      "100001",
    ]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("--samples");
    expect(result.stderr).toContain("<=100000");
    expect(filesIn(runsDir)).toEqual([]);
  });

  it("--samples too large for a number is exit 2, not a hang", () => {
    const { result } = candor([
      "plan",
      "test/fixtures/valid/experiment.yaml",
      "--samples",
      "99999999999999999999",
    ]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("--samples");
  });

  it("a flag that pushes the run past the trial cap is refused naming the flag", () => {
    const { result } = candor([
      "plan",
      "test/fixtures/valid/experiment.yaml",
      "--samples",
      "100000",
    ]);
    expect(result.status).toBe(2);
    expect(cliLines(result)).toEqual([
      expect.stringMatching(
        /^candor: --samples: 1600000 trials .*one run may plan at most 1000000/,
      ),
    ]);
  });

  it("plan counts a design near the cap without expanding it", () => {
    const { result } = candor([
      "plan",
      "test/fixtures/valid/experiment.yaml",
      "--samples",
      "60000",
      "--json",
    ]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const summary = JSON.parse(result.stdout) as {
      trials: number;
      by_scenario: Array<{ trials: number }>;
    };
    expect(summary.trials).toBe(4 * 4 * 60_000);
    expect(summary.by_scenario[0]?.trials).toBe(summary.trials);
  });

  it("plan counts calls as the expanded plan would", async () => {
    const { result } = candor(["plan", "test/fixtures/valid/experiment.yaml", "--json"]);
    const summary = JSON.parse(result.stdout) as {
      trials: number;
      subject_calls: number;
      judged_turns: number;
    };
    const { expandTrials, judgedTurnsPerTrial, subjectCallsPerTrial } = await import(
      "../runner/expand-trials.ts"
    );
    const experiment = loadExperiment(resolve(ROOT, "test/fixtures/valid/experiment.yaml"));
    const plans = expandTrials(experiment);
    const scenario = experiment.scenarios[0] as (typeof experiment.scenarios)[number];
    expect(summary.trials).toBe(plans.length);
    expect(summary.subject_calls).toBe(
      plans.reduce((sum, plan) => sum + subjectCallsPerTrial(scenario, plan, experiment.design), 0),
    );
    expect(summary.judged_turns).toBe(
      plans.reduce((sum, plan) => sum + judgedTurnsPerTrial(scenario, plan, experiment.design), 0),
    );
  });

  it("a 9,000-step scenario with 1,024 combinations and a 20,000-character variable validates", () => {
    const steps = Array.from(
      { length: 9000 },
      (_, index) => `  - { role: user, content: "Step ${index}: {{v${index % 10}}}" }`,
    );
    const file = join(mkdtempSync(join(GENERATED, "big-")), "big.yaml");
    writeFileSync(file, wideScenario("big", 10, steps));
    const { spec } = loadScenario(file);
    expect(spec.steps).toHaveLength(9003);
  });

  it("a level that leaves a placeholder of a big scenario unresolved is still found", () => {
    const steps = Array.from(
      { length: 2000 },
      (_, index) => `  - { role: user, content: "Step ${index}: {{v${index % 10}}}" }`,
    );
    steps.push('  - { role: user, content: "Last: {{nowhere}}" }');
    const file = join(mkdtempSync(join(GENERATED, "big-")), "big.yaml");
    writeFileSync(file, wideScenario("big", 10, steps));
    const error = thrownBy(() => loadScenario(file)) as InputError;
    expect(error.field).toBe("steps[2001].content");
    expect(error.problem).toMatch(/^unknown template variable \{\{nowhere\}\}/);
  });

  it.each([
    [["--base-url", "notaurl"], "--base-url"],
    [["--base-url", "file:///etc/passwd"], "--base-url"],
    [["--max-concurrency", "0"], "--max-concurrency"],
    [["--max-concurrency", "5000"], "--max-concurrency"],
  ])("run %j is exit 2 naming the option, nothing written", (flags, option) => {
    const { result, runsDir } = candor(["run", "test/fixtures/valid/experiment.yaml", ...flags]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(option);
    expect(result.stdout).toBe("");
    expect(filesIn(runsDir)).toEqual([]);
  });

  it("a .env that is a directory is ignored with a warning by a sim-only run", () => {
    const directory = mkdtempSync(join(GENERATED, "dotenv-"));
    mkdirSync(join(directory, ".env"));
    const runsDir = join(directory, "runs");
    const result = spawnSync(
      process.execPath,
      [
        join(ROOT, "bin/candor.js"),
        "run",
        join(ROOT, "test/fixtures/valid/experiment.yaml"),
        "--samples",
        "1",
        "--quiet",
        "--no-cache",
      ],
      {
        cwd: directory,
        encoding: "utf8",
        env: { ...process.env, CANDOR_RUNS_DIR: runsDir },
        timeout: 60_000,
      },
    );
    expect(result.stderr).toContain(".env is not a regular file; ignored");
    expect(result.status).toBe(0);
    expect(filesIn(runsDir)).toHaveLength(1);
  });

  it("validate lists every problem of a file (with did-you-mean), not the first and a count", () => {
    const file = `${EXPERIMENTS}/many-problems.yaml`;
    const { result } = candor(["validate", file]);
    expect(result.status).toBe(2);
    const lines = cliLines(result);
    expect(lines).toHaveLength(9);
    expect(lines[0]).toMatch(new RegExp(`^candor: ${file}: id: `));
    expect(lines.slice(1).every((line) => line.startsWith(`${file}: `))).toBe(true);
    expect(lines).toContain(`${file}: temprature: unknown field; did you mean "temperature"?`);
    expect(result.stderr).not.toMatch(/more problem/);
  });

  it("a broken scenario is named with the experiment entry that names it", () => {
    const error = thrownBy(() =>
      loadExperiment(resolve(ROOT, `${EXPERIMENTS}/uses-broken-scenario.yaml`)),
    );
    expect((error as InputError).message).toContain(
      `named by ${resolve(ROOT, EXPERIMENTS, "uses-broken-scenario.yaml")} at scenarios[0]`,
    );
  });
});

describe("hardening: label --import", () => {
  it("refuses a binary file and a CSV that labels one turn twice, storing nothing", async () => {
    const { runFixture } = await import("../../test/run-fixture.ts");
    const { RunStore } = await import("../store/run-store.ts");
    const { judgedTurnKeys } = await import("../store/human-labels.ts");
    const run = await runFixture(undefined, { samples: 1 });
    const store = RunStore.openForReading(run.directory);
    const [key] = [...judgedTurnKeys(store.database)];
    store.close();
    const [trialId, turn] = (key as string).split("#");
    const directory = mkdtempSync(join(GENERATED, "labels-"));
    const binary = join(directory, "labels.bin");
    writeFileSync(binary, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0xff, 0x00, 0x10]));
    const duplicated = join(directory, "duplicated.csv");
    const row = `${trialId},${turn},yes,consistent`;
    writeFileSync(duplicated, ["trial_id,turn,undesired,consistency", row, row, ""].join("\n"));
    for (const [file, message] of [
      [binary, `candor: ${binary}: is a binary file, expected a CSV`],
      [
        duplicated,
        `candor: ${duplicated}: row 3.trial_id: labels trial ${trialId} turn ${turn} again (first at row 2); one row per turn`,
      ],
    ] as const) {
      const { result } = candor(["label", run.directory, "--import", file]);
      expect(result.stderr.trim()).toBe(message);
      expect(result.status).toBe(2);
      expect(result.stdout).toBe("");
    }
    const after = RunStore.openForReading(run.directory);
    const stored = after.database.prepare("SELECT COUNT(*) AS n FROM human_labels").get() as {
      n: number;
    };
    after.close();
    expect(stored.n).toBe(0);
  });
});
