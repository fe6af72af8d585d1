import { useLocation } from "preact-iso";
import { describeFactors } from "../../../report/format.ts";
import type { RunComparison, RunComparisonRow, RunList, RunSummary } from "../../api-types.ts";
import { apiPath, runPath, useApi } from "../api-client.ts";
import { Defined, DefinitionList, MethodDefinitions } from "../components/definition.tsx";
import { DIFFERENCE_COLUMNS, DifferenceCells } from "../components/difference-cells.tsx";
import { BetweenSubjectsTable, primaryWords } from "../components/primary-analysis.tsx";
import { ProportionText } from "../components/proportion-text.tsx";
import { QuerySelect } from "../components/query-select.tsx";
import { Loaded, SimulatedBanner } from "../components/status.tsx";
import { TableHead } from "../components/table-head.tsx";
import {
  type CellMetric,
  followupLabel,
  METRIC_DEFINITIONS,
  METRIC_OPTIONS,
  NUMBER_DEFINITIONS,
} from "../metric-labels.ts";

/** Two runs (or two verdict sets of one run) side by side, cell by cell, B minus A. */
export function ComparePage() {
  const { query } = useLocation();
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
            <SideChooser side="a" runs={list.runs} chosenRun={query.a} />
            <SideChooser side="b" runs={list.runs} chosenRun={query.b} />
          </form>
        )}
      </Loaded>
      {ready ? (
        <Loaded state={comparison}>
          {(result) => <ComparisonView result={result} metric={metric} followup={followup} />}
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
}: {
  result: RunComparison;
  metric: string;
  followup: string;
}) {
  const followups = [...new Set(result.rows.map((row) => row.followup))].sort((x, y) => x - y);
  return (
    <>
      <SimulatedBanner simulated={result.a.run.simulated || result.b.run.simulated} />
      <p>
        A = {result.a.run.runId} ({result.a.subject}, verdict set {result.a.verdictSet}); B ={" "}
        {result.b.run.runId} ({result.b.subject}, verdict set {result.b.verdictSet}).
      </p>
      <PrimaryComparisonSection result={result} />
      <div class="section-head">
        <h2>Cell by cell: B − A</h2>
        <QuerySelect label="Metric" name="metric" fallback={metric} options={METRIC_OPTIONS} />
        <QuerySelect
          label="Follow-up"
          name="followup"
          fallback={followup}
          options={followups.map((value) => ({
            value: String(value),
            label: followupLabel(value),
          }))}
        />
      </div>
      <p class="muted metric-definition">{METRIC_DEFINITIONS[metric as CellMetric]}</p>
      <p class="muted">
        {result.paired ? (
          <>
            Both sides judge the same turns, so differences are paired (
            <Defined term="exact McNemar" />,{" "}
            <Defined term="Newcombe interval">Newcombe's paired interval</Defined>) over the turns
            both decided; n counts those pairs.
          </>
        ) : (
          <>
            The sides are independent samples:{" "}
            <Defined term="Newcombe interval">Newcombe's hybrid score interval</Defined> and{" "}
            <Defined term="Fisher's exact test" />.
          </>
        )}{" "}
        p-values are adjusted (
        <Defined term={result.adjustment === "holm" ? "Holm" : "Benjamini–Hochberg"} />) across
        every tested row of this comparison: every cell, arm, follow-up and metric.
      </p>
      <CompareTable
        rows={result.rows.filter(
          (row) => row.metric === metric && String(row.followup) === followup,
        )}
      />
      <DefinitionList summary="What the numbers mean" definitions={NUMBER_DEFINITIONS} />
      <MethodDefinitions methods={COMPARE_METHODS} />
    </>
  );
}

/**
 * The declared primary contrast of run A against run B, scenario by scenario and pooled: does it
 * differ between them? Or why that question has no answer here.
 */
function PrimaryComparisonSection({ result }: { result: RunComparison }) {
  const { primary } = result;
  return (
    <section class="primary primary-comparison" aria-labelledby="primary-comparison-title">
      <h2 id="primary-comparison-title">Primary contrast: A against B</h2>
      <p class="muted">
        The declared primary analysis, {primaryWords(primary)}, estimated in each side
        (Mantel–Haenszel over each scenario's factor-level cells); the rows ask whether it differs
        between A and B, with each side's own estimate beside it (and on its results page:{" "}
        <a href={sideResults(result.a)}>A</a>, <a href={sideResults(result.b)}>B</a>).
      </p>
      {primary.problem !== null || primary.between === null ? (
        <p class="problem" role="note">
          No comparison of the primary contrast: {primary.problem ?? "nothing to compare"}.
        </p>
      ) : (
        <BetweenSubjectsTable
          between={primary.between}
          contrast={primary.contrast}
          caption={`Does ${primary.contrast[0]} − ${primary.contrast[1]} differ between A and B?`}
          differenceTitle="B − A: difference of the risk differences [95% CI]"
        />
      )}
    </section>
  );
}

/** The methods the comparison names, each defined under "What the methods mean". */
const COMPARE_METHODS = [
  "Wilson interval",
  "Newcombe interval",
  "exact McNemar",
  "Fisher's exact test",
  "Holm",
  "Benjamini–Hochberg",
  "Mantel–Haenszel",
  "Cochran's Q",
] as const;

/** A side's results page, with the verdict set the comparison used. */
function sideResults(side: RunComparison["a"]): string {
  return apiPath(runPath(side.run.runId), { judges: side.verdictSet });
}

function SideChooser({
  side,
  runs,
  chosenRun,
}: {
  side: "a" | "b";
  runs: RunSummary[];
  chosenRun: string | undefined;
}) {
  const chosen = runs.find((run) => run.runId === chosenRun);
  return (
    <fieldset>
      <legend>{side.toUpperCase()}</legend>
      <QuerySelect
        label="Run"
        name={side}
        options={runs.map((run) => run.runId)}
        anyLabel="choose"
      />
      {chosen ? (
        <>
          <QuerySelect
            label="Verdict set"
            name={`${side}Judges`}
            options={chosen.verdictSets.map((set) => set.name)}
            anyLabel="run (default)"
          />
          <QuerySelect
            label="Subject"
            name={`${side}Subject`}
            options={chosen.subjects}
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
      <TableHead
        columns={["Scenario · factors", "Arm", "A", "B", "B − A [95% CI]", ...DIFFERENCE_COLUMNS]}
      />
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
            <DifferenceCells
              row={row}
              untested={row.a && row.b ? "nothing decided" : "only one side has this cell"}
            />
          </tr>
        ))}
      </tbody>
    </table>
  );
}
