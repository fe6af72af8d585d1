import { useState } from "preact/hooks";
import type { RunList, RunSummary } from "../../api-types.ts";
import { runPath, useApi } from "../api-client.ts";
import { RunStateBadge } from "../components/run-banner.tsx";
import { PartialNote } from "../components/run-header.tsx";
import { SelectField } from "../components/select-field.tsx";
import { Badge, Loaded } from "../components/status.tsx";
import { TableHead } from "../components/table-head.tsx";
import { useRefreshWhenIdle } from "../use-refresh-when-idle.ts";
import { useRunsLive } from "../use-run-live.ts";

export function RunsPage() {
  const state = useApi<RunList>("/api/runs");
  const writing = new Set(
    useRunsLive(useRefreshWhenIdle(state))?.runs.flatMap((run) => (run.writing ? [run.runId] : [])),
  );
  return (
    <section>
      <h1>Runs</h1>
      <Loaded state={state}>
        {(list) => (
          <>
            <p class="muted">From {list.runsDir}, newest first.</p>
            {list.runs.length === 0 ? (
              <p>
                No runs yet. <code>npx candor demo</code> makes one.
              </p>
            ) : (
              <RunTable runs={list.runs} writing={writing} />
            )}
            {list.unreadable.length > 0 ? (
              <>
                <h2>Unreadable run directories</h2>
                <ul>
                  {list.unreadable.map((run) => (
                    <li key={run.runId}>
                      <code>{run.runId}</code>: {run.problem}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
            {list.runs.length >= 1 ? <CompareChooser runs={list.runs} /> : null}
          </>
        )}
      </Loaded>
    </section>
  );
}

function RunTable({ runs, writing }: { runs: RunSummary[]; writing: ReadonlySet<string> }) {
  return (
    <table class="runs">
      <TableHead
        columns={[
          "Run",
          "Experiment",
          "Subjects",
          "Judges (verdict sets)",
          "Trials",
          "Errors",
          "Cost",
          "Labels",
        ]}
      />
      <tbody>
        {runs.map((run) => (
          <tr key={run.runId}>
            <td>
              <a href={runPath(run.runId)}>{run.runId}</a>
              {run.simulated ? <Badge kind="simulated">SIMULATED</Badge> : null}
              <RunStateBadge run={run} writing={writing.has(run.runId)} />
              <div class="muted small">{run.createdAt}</div>
            </td>
            <td>
              <div>{run.title}</div>
              <div class="muted small">
                {run.experimentId}: {run.design.scenarios.join(", ")} · arms{" "}
                {run.design.arms.join(", ")}
                {run.design.samples === null ? "" : ` · ${run.design.samples} samples per cell`}
              </div>
            </td>
            <td>{run.subjects.join(", ")}</td>
            <td>
              {run.verdictSets.map((set) => (
                <div key={set.name}>
                  <strong>{set.name}</strong>: {set.judges.join(", ")}
                  <PartialNote coverage={set.coverage} />
                </div>
              ))}
            </td>
            <td>
              {run.status.complete} complete
              {run.status.pending > 0 ? `, ${run.status.pending} pending` : ""}
            </td>
            <td>
              {run.status.error > 0 ? (
                <a href={runPath(run.runId, "/trials?outcome=error")}>{run.status.error}</a>
              ) : (
                0
              )}
            </td>
            <td>{run.costUsd === null ? "unknown" : `$${run.costUsd.toFixed(2)}`}</td>
            <td>{run.humanLabels}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function CompareChooser({ runs }: { runs: RunSummary[] }) {
  const ids = runs.map((run) => run.runId);
  const [a, setA] = useState<string | undefined>(ids[1] ?? ids[0]);
  const [b, setB] = useState<string | undefined>(ids[0]);
  const href = `/compare?${new URLSearchParams({ a: a ?? "", b: b ?? "" })}`;
  return (
    <form class="compare-chooser" onSubmit={(event) => event.preventDefault()}>
      <h2>Compare two runs</h2>
      <p class="muted">Two models, two judge sets of one run, or two experiments, cell by cell.</p>
      <SelectField label="A" value={a} options={ids} onChange={setA} anyLabel={null} />
      <SelectField label="B" value={b} options={ids} onChange={setB} anyLabel={null} />
      <a class="button" href={href}>
        Compare
      </a>
    </form>
  );
}
