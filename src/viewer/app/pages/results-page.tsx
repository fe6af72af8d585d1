import { useLocation } from "preact-iso";
import { describeFactors } from "../../../report/format.ts";
import { formatCorrected } from "../../../report/report-sections.ts";
import type { Cell, Comparison, RunResults } from "../../api-types.ts";
import { type TrialQuery, trialQueryToSearch } from "../../trial-query.ts";
import { apiPath, runPath, useApi } from "../api-client.ts";
import { DIFFERENCE_COLUMNS, DifferenceCells } from "../components/difference-cells.tsx";
import { ProportionText } from "../components/proportion-text.tsx";
import { QuerySelect } from "../components/query-select.tsx";
import { RunHeader } from "../components/run-header.tsx";
import { Loaded } from "../components/status.tsx";
import { TableHead } from "../components/table-head.tsx";
import { METRIC_LABELS } from "../metric-labels.ts";

const METRIC_OUTCOMES = {
  undesired: "undesired",
  deception: "deception",
  missing_reasoning: "missing_reasoning",
} as const;

export function ResultsPage({ run }: { run: string }) {
  const { query } = useLocation();
  const followup = Number(query.followup ?? 1);
  const state = useApi<RunResults>(
    apiPath(`/api${runPath(run)}`, { judges: query.judges, adjust: query.adjust }),
  );
  return (
    <Loaded state={state}>
      {(results) => (
        <section>
          <RunHeader run={results.run} verdictSet={results.verdictSet} />
          <div class="toolbar">
            <QuerySelect
              label="Verdict set"
              name="judges"
              fallback={results.verdictSet}
              options={results.run.verdictSets.map((set) => set.name)}
            />
            <QuerySelect
              label="Follow-up"
              name="followup"
              fallback={String(followup)}
              options={results.facets.followups
                .filter((value) => value >= 1)
                .map((value) => String(value))}
            />
            <QuerySelect
              label="p adjustment"
              name="adjust"
              fallback={results.adjustment}
              options={[
                { value: "holm", label: "Holm" },
                { value: "bh", label: "Benjamini–Hochberg" },
              ]}
            />
            <a class="button" href={trialsHref(run, { judges: query.judges })}>
              All trials
            </a>
            <a class="button" href={runPath(run, "/label")}>
              Label turns
            </a>
          </div>
          <HeadlineTable results={results} followup={followup} judges={query.judges} />
          <ComparisonTable
            comparisons={results.comparisons.filter((row) => row.followup === followup)}
          />
          <Figures results={results} run={run} judges={query.judges} adjust={query.adjust} />
          <ErrorList results={results} run={run} />
        </section>
      )}
    </Loaded>
  );
}

export function trialsHref(run: string, trialQuery: TrialQuery): string {
  const search = trialQueryToSearch(trialQuery);
  return runPath(run, `/trials${search ? `?${search}` : ""}`);
}

function rowKey(cell: Cell): string {
  return JSON.stringify([cell.subject, cell.scenario, cell.factors]);
}

function HeadlineTable({
  results,
  followup,
  judges,
}: {
  results: RunResults;
  followup: number;
  judges: string | undefined;
}) {
  const cells = results.cells.filter((cell) => cell.followup === followup);
  const rows = new Map<string, Map<string, Cell>>();
  for (const cell of cells) {
    const row = rows.get(rowKey(cell)) ?? new Map<string, Cell>();
    row.set(cell.arm, cell);
    rows.set(rowKey(cell), row);
  }
  const arms = results.facets.arms;
  return (
    <table class="headline">
      <caption>
        Rates at follow-up {followup}, 95% Wilson intervals, k/n with inconclusive verdicts beside
        (outside n). Click a cell for its trials.
      </caption>
      <TableHead columns={["Subject · scenario · factors", ...arms]} />
      <tbody>
        {[...rows.values()].map((row) => {
          const first = [...row.values()][0] as Cell;
          return (
            <tr key={rowKey(first)}>
              <th scope="row">
                <div>{first.subject}</div>
                <div>{first.scenario}</div>
                <div class="muted small">{describeFactors(first.factors)}</div>
              </th>
              {arms.map((arm) => {
                const cell = row.get(arm);
                return (
                  <td key={arm} class="cell">
                    {cell ? <CellRates cell={cell} judges={judges} run={results.run.runId} /> : "–"}
                  </td>
                );
              })}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function CellRates({ cell, judges, run }: { cell: Cell; judges: string | undefined; run: string }) {
  const base: TrialQuery = {
    subject: cell.subject,
    scenario: cell.scenario,
    levels: cell.factors,
    arm: cell.arm,
    followup: cell.followup,
    judges,
  };
  return (
    <>
      <a class="cell-link" href={trialsHref(run, base)}>
        {cell.trials} trials
      </a>
      {(["undesired", "deception", "missing_reasoning"] as const).map((metric) => (
        <div key={metric} class="metric">
          <a
            href={trialsHref(run, { ...base, outcome: METRIC_OUTCOMES[metric] })}
            title={`${METRIC_LABELS[metric]}: show these trials`}
          >
            <span class="metric-name">{METRIC_LABELS[metric]}</span>{" "}
            <ProportionText proportion={cell[metric]} />
          </a>
        </div>
      ))}
      {cell.undesired_corrected ? (
        <div class="metric muted small">corrected for judge error: {formatCorrected(cell)}</div>
      ) : null}
    </>
  );
}

function ComparisonTable({ comparisons }: { comparisons: Comparison[] }) {
  if (comparisons.length === 0) return null;
  return (
    <table class="comparisons">
      <caption>
        Refusal − rebuttal: difference in rates with 95% interval, raw and adjusted p
      </caption>
      <TableHead
        columns={["Subject · scenario · factors", "Metric", "Difference", ...DIFFERENCE_COLUMNS]}
      />
      <tbody>
        {comparisons.map((row) => (
          <tr key={JSON.stringify([row.subject, row.scenario, row.factors, row.metric])}>
            <td>
              {row.subject} · {row.scenario} · {describeFactors(row.factors)}
            </td>
            <td>{METRIC_LABELS[row.metric]}</td>
            <DifferenceCells row={row} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const FIGURE_TITLES = {
  arms: "Arms at follow-up 1",
  persistence: "Persistence over follow-ups",
  forest: "Refusal − rebuttal",
} as const;

function Figures({
  results,
  run,
  judges,
  adjust,
}: {
  results: RunResults;
  run: string;
  judges: string | undefined;
  adjust: string | undefined;
}) {
  return (
    <div class="figures">
      {results.figures.map((name) => (
        <figure key={name}>
          <img
            src={apiPath(`/api${runPath(run, `/figures/${name}.svg`)}`, { judges, adjust })}
            alt={FIGURE_TITLES[name]}
          />
          <figcaption>{FIGURE_TITLES[name]}</figcaption>
        </figure>
      ))}
    </div>
  );
}

function ErrorList({ results, run }: { results: RunResults; run: string }) {
  if (results.errors.length === 0) return null;
  return (
    <>
      <h2>Errored trials</h2>
      <p>Errored trials are left out of every rate.</p>
      <ul>
        {results.errors.map((error) => (
          <li key={`${error.subject}/${error.scenario}`}>
            <a
              href={trialsHref(run, {
                subject: error.subject,
                scenario: error.scenario,
                outcome: "error",
              })}
            >
              {error.subject} · {error.scenario}: {error.count}
            </a>
          </li>
        ))}
      </ul>
    </>
  );
}
