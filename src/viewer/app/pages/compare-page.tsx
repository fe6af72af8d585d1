import { useLocation } from "preact-iso";
import { describeFactors, formatDifference, formatP } from "../../../report/format.ts";
import type { RunComparison, RunComparisonRow, RunList, RunSummary } from "../../api-types.ts";
import { apiPath, useApi } from "../api-client.ts";
import { ProportionText } from "../components/proportion-text.tsx";
import { SelectField } from "../components/select-field.tsx";
import { Badge, Loaded, SimulatedBanner } from "../components/status.tsx";
import { METRIC_OPTIONS, methodLabel } from "../metric-labels.ts";
import { useQueryChange } from "../query-state.ts";

/** Two runs (or two verdict sets of one run) side by side, cell by cell, B minus A. */
export function ComparePage() {
  const { query } = useLocation();
  const change = useQueryChange("/compare");
  const runs = useApi<RunList>("/api/runs");
  const ready = Boolean(query.a && query.b);
  const comparison = useApi<RunComparison>(
    ready
      ? apiPath("/api/compare", {
          a: query.a,
          b: query.b,
          aJudges: query.aJudges,
          bJudges: query.bJudges,
          aSubject: query.aSubject,
          bSubject: query.bSubject,
          adjust: query.adjust,
        })
      : null,
  );
  const metric = query.metric ?? "undesired";
  const followup = query.followup ?? "1";
  return (
    <section>
      <h1>Compare runs</h1>
      <Loaded state={runs}>
        {(list) => (
          <form class="filters" onSubmit={(event) => event.preventDefault()}>
            <SideChooser side="a" runs={list.runs} query={query} change={change} />
            <SideChooser side="b" runs={list.runs} query={query} change={change} />
          </form>
        )}
      </Loaded>
      {ready ? (
        <Loaded state={comparison}>
          {(result) => (
            <ComparisonView result={result} metric={metric} followup={followup} change={change} />
          )}
        </Loaded>
      ) : (
        <p>Choose run A and run B.</p>
      )}
    </section>
  );
}

function ComparisonView({
  result,
  metric,
  followup,
  change,
}: {
  result: RunComparison;
  metric: string;
  followup: string;
  change: (name: string, value: string | undefined) => void;
}) {
  const followups = [...new Set(result.rows.map((row) => String(row.followup)))];
  return (
    <>
      <SimulatedBanner simulated={result.a.run.simulated || result.b.run.simulated} />
      <p>
        A = {result.a.run.runId} ({result.a.subject}, verdict set {result.a.verdictSet}); B ={" "}
        {result.b.run.runId} ({result.b.subject}, verdict set {result.b.verdictSet}).{" "}
        {result.paired
          ? "Both sides judge the same turns, so differences are paired (exact McNemar, Newcombe's paired interval) over the turns both decided; n counts those pairs."
          : "The sides are independent samples: Newcombe's hybrid score interval and Fisher's exact test."}{" "}
        p-values are adjusted ({result.adjustment === "holm" ? "Holm" : "Benjamini–Hochberg"})
        across every tested row of this comparison.
      </p>
      <div class="toolbar">
        <SelectField
          label="Metric"
          value={metric}
          options={METRIC_OPTIONS}
          onChange={(value) => change("metric", value)}
          anyLabel={null}
        />
        <SelectField
          label="Follow-up"
          value={followup}
          options={followups}
          onChange={(value) => change("followup", value)}
          anyLabel={null}
        />
      </div>
      <CompareTable
        rows={result.rows.filter(
          (row) => row.metric === metric && String(row.followup) === followup,
        )}
      />
    </>
  );
}

function SideChooser({
  side,
  runs,
  query,
  change,
}: {
  side: "a" | "b";
  runs: RunSummary[];
  query: Record<string, string>;
  change: (name: string, value: string | undefined) => void;
}) {
  const chosen = runs.find((run) => run.runId === query[side]);
  return (
    <fieldset>
      <legend>{side.toUpperCase()}</legend>
      <SelectField
        label="Run"
        value={query[side]}
        options={runs.map((run) => run.runId)}
        onChange={(value) => change(side, value)}
        anyLabel="choose"
      />
      {chosen ? (
        <>
          <SelectField
            label="Verdict set"
            value={query[`${side}Judges`]}
            options={chosen.verdictSets.map((set) => set.name)}
            onChange={(value) => change(`${side}Judges`, value)}
            anyLabel="run (default)"
          />
          <SelectField
            label="Subject"
            value={query[`${side}Subject`]}
            options={chosen.subjects}
            onChange={(value) => change(`${side}Subject`, value)}
            anyLabel="first"
          />
        </>
      ) : null}
    </fieldset>
  );
}

function CompareTable({ rows }: { rows: RunComparisonRow[] }) {
  return (
    <table class="comparisons">
      <thead>
        <tr>
          <th>Scenario · factors</th>
          <th>Arm</th>
          <th>A</th>
          <th>B</th>
          <th>B − A</th>
          <th>p</th>
          <th>p adjusted</th>
          <th>Method</th>
          <th>n</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={JSON.stringify([row.scenario, row.factors, row.arm])}>
            <td>
              {row.scenario} <span class="muted small">{describeFactors(row.factors)}</span>
            </td>
            <td>{row.arm}</td>
            <td>
              <ProportionText proportion={row.a} />
            </td>
            <td>
              <ProportionText proportion={row.b} />
            </td>
            <td>{row.ci ? formatDifference(row.diff, row.ci) : "–"}</td>
            <td>{row.p === null ? "–" : formatP(row.p)}</td>
            <td>{row.p_adjusted === null ? "–" : formatP(row.p_adjusted)}</td>
            <td>
              {row.method === null ? (
                <Badge kind="muted">
                  {row.a && row.b ? "nothing decided" : "only one side has this cell"}
                </Badge>
              ) : (
                methodLabel(row.method)
              )}
            </td>
            <td>{row.n === null ? "–" : Array.isArray(row.n) ? row.n.join(" / ") : row.n}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
