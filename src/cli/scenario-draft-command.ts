import { readdirSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { draftScenarios } from "../authoring/draft-scenarios.ts";
import { scenarioScaffold } from "../authoring/scenario-scaffold.ts";
import {
  createLanguageModel,
  defaultModelEnvironment,
} from "../providers/create-language-model.ts";
import { InputError } from "../spec/input-error.ts";
import { loadScenario, scenarioFromData } from "../spec/load-scenario.ts";
import type { ScenarioSpec } from "../spec/scenario.ts";
import { BUNDLED_SCENARIOS, isScenarioPath, scenarioFolders } from "../spec/scenario-folders.ts";
import { loadDotEnv } from "./options.ts";
import type { DraftCommandOptions } from "./scenario-command.ts";

/** `candor scenario draft`: prints one line per draft; exit 0 when at least one was written. */
export async function runDraftCommand(options: DraftCommandOptions): Promise<number> {
  if (options.n < 1 || options.n > 50) {
    throw new InputError("expected 1 to 50 drafts", { field: "--n" });
  }
  loadDotEnv();
  const environment = defaultModelEnvironment({
    cacheDir: null,
    ...(options.baseUrl ? { baseURL: options.baseUrl } : {}),
  });
  const model = createLanguageModel(options.model, { field: "--model" }, environment);
  const [bundled] = scenarioFolders(BUNDLED_SCENARIOS, ".");
  const library = [bundled as string, ...(options.library ?? [])].flatMap(scenariosIn);
  const outcomes = await draftScenarios({
    model,
    domain: options.domain,
    example: exampleScenario(options.like, bundled as string),
    library,
    count: options.n,
    outDir: options.out,
    maxTokens: options.maxTokens,
  });
  for (const outcome of outcomes) {
    const tries = `${outcome.attempts} attempt${outcome.attempts === 1 ? "" : "s"}`;
    if (outcome.status === "written") {
      process.stdout.write(`written    draft ${outcome.draft} → ${outcome.file} (${tries})\n`);
    } else if (outcome.status === "duplicate") {
      const near = outcome.duplicate_of;
      process.stdout.write(
        `duplicate  draft ${outcome.draft} (${outcome.id}): its ${near?.field} is ${Math.round((near?.similarity ?? 0) * 100)}% the same words as ${near?.of}'s; not written\n`,
      );
    } else {
      process.stdout.write(
        `rejected   draft ${outcome.draft} after ${tries} → ${outcome.file}\n${outcome.problems.map((problem) => `             ${problem}\n`).join("")}`,
      );
    }
  }
  const written = outcomes.filter((outcome) => outcome.status === "written").length;
  process.stdout.write(
    `${written} of ${outcomes.length} drafts written to ${options.out} (report: ${join(options.out, "draft-report.json")}); read them before moving any into a scenario folder\n`,
  );
  return written > 0 ? 0 : 1;
}

/** Every scenario in a folder that validates; the library drafts are compared with. */
function scenariosIn(folder: string): ScenarioSpec[] {
  let names: string[];
  try {
    names = readdirSync(folder).filter((name) => isScenarioPath(name));
  } catch {
    throw new InputError("is not a readable folder", { file: folder, field: "--library" });
  }
  return names.map((name) => loadScenario(join(folder, name)).spec);
}

/** The format the model follows: --like (a path, or a bundled id), else the scaffold's. */
function exampleScenario(like: string | undefined, bundled: string): ScenarioSpec {
  if (like === undefined) {
    return scenarioFromData(parse(scenarioScaffold("example")), "scaffold", { storedCopy: false })
      .spec;
  }
  return loadScenario(isScenarioPath(like) ? like : join(bundled, `${like}.yaml`)).spec;
}
