import type { RunSummary, VerdictSetSummary } from "../../api-types.ts";
import { runPath } from "../api-client.ts";
import { SimulatedBanner } from "./status.tsx";

/** A verdict set cut short (an interrupted `candor judge`) covers only some trials: say so. */
export function PartialNote({ coverage }: { coverage: VerdictSetSummary["coverage"] | undefined }) {
  if (!coverage || coverage.complete) return null;
  return (
    <strong class="partial">
      {" "}
      PARTIAL: covers {coverage.trials} of the run's {coverage.of} judged trials; finish it with
      candor judge
    </strong>
  );
}

export function RunHeader({ run, verdictSet }: { run: RunSummary; verdictSet: string }) {
  const set = run.verdictSets.find((candidate) => candidate.name === verdictSet);
  const judges = set?.judges ?? [];
  return (
    <header class="run-header">
      <h1>
        <a href={runPath(run.runId)}>{run.title}</a>
      </h1>
      <SimulatedBanner simulated={run.simulated} />
      <dl class="facts">
        <dt>Run</dt>
        <dd>{run.runId}</dd>
        <dt>Subjects</dt>
        <dd>{run.subjects.join(", ")}</dd>
        <dt>Verdict set</dt>
        <dd>
          {verdictSet} ({judges.join(", ") || "no verdicts yet"})
          <PartialNote coverage={set?.coverage} />
        </dd>
        <dt>Trials</dt>
        <dd>
          {run.status.complete} complete, {run.status.error} error, {run.status.pending} pending
        </dd>
      </dl>
    </header>
  );
}
