import type { RunSummary } from "../../api-types.ts";
import { runPath } from "../api-client.ts";
import { SimulatedBanner } from "./status.tsx";

export function RunHeader({ run, verdictSet }: { run: RunSummary; verdictSet: string }) {
  const judges = run.verdictSets.find((set) => set.name === verdictSet)?.judges ?? [];
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
        </dd>
        <dt>Trials</dt>
        <dd>
          {run.status.complete} complete, {run.status.error} error, {run.status.pending} pending
        </dd>
      </dl>
    </header>
  );
}
