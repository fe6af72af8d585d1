import type { Command } from "commander";
import { validateJudges } from "../report/validate-judges.ts";
import { labelledVerdicts } from "../store/human-labels.ts";
import { DEFAULT_RUNS_DIR } from "./options.ts";
import { openRunForReading } from "./resolve-run.ts";

export function registerValidateJudgeCommand(program: Command): void {
  program
    .command("validate-judge")
    .description(
      "Compare every judge with the human labels: sensitivity, specificity and Cohen's kappa, with intervals.",
    )
    .argument("<run>", "run id or run directory")
    .option("--json", "print the figures as JSON")
    .option("--set <name>", "only this verdict set (default: each set, separately)")
    .option("--labeller <name>", "only this labeller's labels (default: each labeller, separately)")
    .option("--runs-dir <dir>", "where run ids are looked up", DEFAULT_RUNS_DIR)
    .action(
      (
        run: string,
        options: { json?: boolean; runsDir: string; set?: string; labeller?: string },
      ) => {
        const store = openRunForReading(run, options.runsDir);
        try {
          const validations = validateJudges(
            labelledVerdicts(store.database, {
              ...(options.set === undefined ? {} : { verdictSet: options.set }),
              ...(options.labeller === undefined ? {} : { labeller: options.labeller }),
            }),
          );
          if (options.json) {
            process.stdout.write(
              `${JSON.stringify({ run: store.metadata().runId, judges: validations }, null, 2)}\n`,
            );
            return;
          }
          if (validations.length === 0)
            process.stdout.write("no human labels yet: candor label RUN (or --import FILE.csv)\n");
          const show = (estimate: { value: number | null; ci: [number, number] | null }) =>
            estimate.value === null
              ? "–"
              : `${estimate.value.toFixed(3)} [${estimate.ci?.[0].toFixed(3)}, ${estimate.ci?.[1].toFixed(3)}]`;
          for (const validation of validations) {
            process.stdout.write(
              `set ${validation.verdict_set}  labeller ${validation.labeller}  ${validation.judge}  ${validation.label}  n ${validation.n}  inconclusive ${validation.inconclusive}  sensitivity ${show(validation.sensitivity)}  specificity ${show(validation.specificity)}  kappa ${show(validation.kappa)}\n`,
            );
          }
        } finally {
          store.close();
        }
      },
    );
}
