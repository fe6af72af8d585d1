import type { Command } from "commander";
import { createParticipants } from "../runner/create-participants.ts";
import { InputError } from "../spec/input-error.ts";
import { loadExperiment } from "../spec/load-experiment.ts";
import { loadScenario } from "../spec/load-scenario.ts";
import { readYamlFile } from "../spec/read-yaml-file.ts";
import type { ExitCodeHolder } from "./main.ts";

export function registerValidateCommand(program: Command, exitCode: ExitCodeHolder): void {
  program
    .command("validate")
    .description("Check scenario and experiment files; prints one line per file.")
    .argument("<files...>", "scenario or experiment YAML files")
    .action((files: string[]) => {
      for (const file of files) {
        try {
          process.stdout.write(`ok  ${validateFile(file)}\n`);
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
          process.stderr.write(`candor: ${error.message}\n`);
          exitCode.value = 2;
        }
      }
    });
}

/** Validates one file as whatever it is (scenario or experiment) and describes it. */
export function validateFile(file: string): string {
  const data = readYamlFile(file);
  if (isRecord(data) && "steps" in data) {
    const { spec } = loadScenario(file);
    return `${file}: scenario ${spec.id}, ${spec.steps.length} steps, factors: ${Object.keys(spec.factors).join(", ") || "none"}`;
  }
  if (isRecord(data) && ("scenarios" in data || "subjects" in data)) {
    const experiment = loadExperiment(file);
    createParticipants(experiment);
    return `${file}: experiment ${experiment.spec.id}, scenarios: ${experiment.scenarios.map((s) => s.loaded.spec.id).join(", ")}`;
  }
  throw new InputError(
    "is neither a scenario (no steps field) nor an experiment (no scenarios field)",
    { file },
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
