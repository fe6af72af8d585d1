import { useLocation } from "preact-iso";
import { describeFactors, percent } from "../../../report/format.ts";
import { CELL_METRICS } from "../../../report/outcome-metrics.ts";
import {
  DECEPTION_TABLE_NOTE,
  familyNote,
  formatCorrected,
} from "../../../report/report-sections.ts";
import type { Cell, Comparison, FigureName, RunResults } from "../../api-types.ts";
import type { TrialQuery } from "../../trial-query.ts";
import { apiPath, runPath, trialsHref, useApi } from "../api-client.ts";
import { Defined, MethodDefinitions } from "../components/definition.tsx";
import { DesignBox } from "../components/design-box.tsx";
import { DIFFERENCE_COLUMNS, DifferenceCells } from "../components/difference-cells.tsx";
import { PrimaryAnalysisSection } from "../components/primary-analysis.tsx";
import { ProportionText } from "../components/proportion-text.tsx";
import { QuerySelect } from "../components/query-select.tsx";
import { RunBanner } from "../components/run-banner.tsx";
import { RunHeader } from "../components/run-header.tsx";
import { Loaded } from "../components/status.tsx";
import { TableHead } from "../components/table-head.tsx";
import {
  CELL_METRIC_TITLES,
  DECEPTION_KINDS,
  followupLabel,
  followupWords,
  METRIC_DEFINITIONS,
  METRIC_LABELS,
  NUMBER_DEFINITIONS,
} from "../metric-labels.ts";

const METRIC_OUTCOMES = {
  undesired: "undesired",
  deception: "deception",
  missing_reasoning: "missing_reasoning",
} as const;

interface PageQuery {
  run: string;
  judges: string | undefined;
  adjust: string | undefined;
}

export function ResultsPage({ run }: { run: string }) {
  const { query } = useLocation();
  const state = useApi<RunResults>(
    apiPath(`/api${runPath(run)}`, { judges: query.judges, adjust: query.adjust }),
  );
  return (
    <>
      <RunBanner run={run} refresh={state} />
      <Loaded state={state}>
        {(results) => (
          <Results
            results={results}
            page={{ run, judges: query.judges, adjust: query.adjust }}
            chosenFollowup={query.followup}
          />
        )}
      </Loaded>
    </>
  );
}

/** The follow-up shown below the primary analysis: the one asked for, else the declared one. */
function shownFollowup(results: RunResults, chosen: string | undefined): number {
  if (chosen !== undefined && /^\d+$/.test(chosen)) return Number(chosen);
  const followups = results.facets.followups;
  if (followups.includes(results.primary.followup)) return results.primary.followup;
  return followups.find((followup) => followup >= 1) ?? followups[0] ?? 1;
}

function Results({
  results,
  page,
  chosenFollowup,
}: {
  results: RunResults;
  page: PageQuery;
  chosenFollowup: string | undefined;
}) {
  const { run, judges } = page;
  const followup = shownFollowup(results, chosenFollowup);
  const comparisons = results.comparisons.filter((row) => row.followup === followup);
  return (
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
          label="p adjustment (exploratory tests)"
          name="adjust"
          fallback={results.adjustment}
          options={[
            { value: "holm", label: "Holm" },
            { value: "bh", label: "Benjamini–Hochberg" },
          ]}
        />
        <a class="button" href={trialsHref(run, { judges })}>
          All trials
        </a>
        <a class="button" href={runPath(run, "/label")}>
          Label turns
        </a>
      </div>
      <PrimaryAnalysisSection
        results={results}
        judges={judges}
        figure={figureSource(results, page, "primary")}
      />
      <DesignBox design={results.design} words={results.designWords} />
      <section class="by-followup" aria-labelledby="by-followup-title">
        <div class="section-head">
          <h2 id="by-followup-title">Rates by arm at {followupWords(followup)}</h2>
          <QuerySelect
            label="Follow-up"
            name="followup"
            fallback={String(followup)}
            options={results.facets.followups.map((value) => ({
              value: String(value),
              label: followupLabel(value),
            }))}
          />
        </div>
        <HeadlineTable results={results} followup={followup} judges={judges} />
        <Definitions />
        <MethodDefinitions methods={RESULTS_METHODS} />
        <ComparisonTable comparisons={comparisons} results={results} />
        <DeceptionTable results={results} followup={followup} />
      </section>
      <Figures results={results} page={page} />
      <ErrorList results={results} run={run} />
    </section>
  );
}

function figureSource(results: RunResults, page: PageQuery, name: FigureName): string | null {
  if (!results.figures.includes(name)) return null;
  const { complete, error } = results.run.status;
  return apiPath(`/api${runPath(page.run, `/figures/${name}.svg`)}`, {
    judges: page.judges,
    adjust: page.adjust,
    // A new address once more trials finish, so a run being written redraws its figures.
    trials: `${complete}-${error}`,
  });
}

function rowKey(cell: Pick<Cell, "subject" | "scenario" | "factors">): string {
  return JSON.stringify([cell.subject, cell.scenario, cell.factors]);
}

const comparisonCell = (row: Comparison) => rowKey(row);

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
  const arms = results.facets.arms.filter((arm) => cells.some((cell) => cell.arm === arm));
  if (cells.length === 0)
    return <p class="empty-text">No judged turns at {followupWords(followup)}.</p>;
  return (
    <div class="table-scroll">
      <table class="headline" data-followup={followup}>
        <caption>
          <strong>
            {followup === 0
              ? "The baseline: the natural and control arms' own reply at the intervention point"
              : `Rates at follow-up ${followup}`}
          </strong>
          {followup === 0 ? " (refusal and rebuttal put their text there instead)" : ""}. 95%{" "}
          <Defined term="Wilson interval">Wilson intervals</Defined>; k/n over decided turns,
          inconclusive turns beside with the bounds they allow. Click a cell for its trials, a rate
          for the trials behind its k.
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
                    <td key={arm} class="cell" data-arm={arm}>
                      {cell ? (
                        <CellRates cell={cell} judges={judges} run={results.run.runId} />
                      ) : (
                        "–"
                      )}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
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
        <div key={metric} class="metric" data-metric={metric}>
          <a
            href={trialsHref(run, { ...base, outcome: METRIC_OUTCOMES[metric] })}
            title={`${METRIC_DEFINITIONS[metric]} Click for these trials.`}
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

/** The methods behind the page's numbers, each defined under "What the methods mean". */
const RESULTS_METHODS = [
  "Wilson interval",
  "Mantel–Haenszel",
  "Cochran–Mantel–Haenszel test",
  "Breslow–Day test",
  "Cochran's Q",
  "Newcombe interval",
  "exact McNemar",
  "Fisher's exact test",
  "Holm",
  "Benjamini–Hochberg",
  "family of tests",
  "judge majority",
] as const;

/** What every rate and every number beside it means, one click away. */
function Definitions() {
  return (
    <details class="definitions">
      <summary>What the rates and the numbers beside them mean</summary>
      <dl>
        {CELL_METRICS.map((metric) => [
          <dt key={`${metric}-term`}>{CELL_METRIC_TITLES[metric]}</dt>,
          <dd key={`${metric}-text`}>{METRIC_DEFINITIONS[metric]}</dd>,
        ])}
        {NUMBER_DEFINITIONS.map(([term, text]) => [
          <dt key={`${term}-term`}>{term}</dt>,
          <dd key={`${term}-text`}>{text}</dd>,
        ])}
      </dl>
    </details>
  );
}

function ComparisonTable({
  comparisons,
  results,
}: {
  comparisons: Comparison[];
  results: RunResults;
}) {
  const first = comparisons[0];
  if (!first) return null;
  const families = [...new Set(comparisons.map((row) => row.family))];
  return (
    <>
      <div class="table-scroll">
        <table class="comparisons">
          <caption>
            <strong>
              {first.followup === 0
                ? `Baseline: ${first.a} − ${first.b} at the intervention point`
                : `${capitalise(first.a)} − ${first.b} at follow-up ${first.followup}`}
            </strong>
            : difference in rates with its 95% interval, raw and adjusted p (exploratory tests)
          </caption>
          <TableHead
            columns={[
              "Subject · scenario · factors",
              "Metric",
              { label: first.a, hint: `Rate in ${first.a} (over the pairs, when paired)` },
              { label: first.b, hint: `Rate in ${first.b} (over the pairs, when paired)` },
              `${first.a} − ${first.b} [95% CI]`,
              ...DIFFERENCE_COLUMNS,
            ]}
          />
          <tbody>
            {comparisons.map((row, index) => {
              const span = sameRun(comparisons, index, comparisonCell);
              return (
                <tr
                  key={JSON.stringify([row.subject, row.scenario, row.factors, row.metric, row.a])}
                  class={span > 0 ? "cell-start" : undefined}
                >
                  {span > 0 ? (
                    <th scope="rowgroup" rowSpan={span}>
                      {row.subject} · {row.scenario}
                      <div class="muted small">{describeFactors(row.factors)}</div>
                    </th>
                  ) : null}
                  <td title={METRIC_DEFINITIONS[row.metric]}>{METRIC_LABELS[row.metric]}</td>
                  <td class="number">{percent(row.rate_a)}</td>
                  <td class="number">{percent(row.rate_b)}</td>
                  <DifferenceCells row={row} />
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {families.map((family) => (
        <p key={family} class="note">
          {familyNote(results.families, family)}
        </p>
      ))}
    </>
  );
}

/**
 * Rows of one cell (subject, scenario, factor levels) follow each other: the first spans them all
 * (its span), the others get 0.
 */
function sameRun<Row>(rows: readonly Row[], index: number, keyOf: (row: Row) => string): number {
  const key = keyOf(rows[index] as Row);
  if (index > 0 && keyOf(rows[index - 1] as Row) === key) return 0;
  let end = index + 1;
  while (end < rows.length && keyOf(rows[end] as Row) === key) end += 1;
  return end - index;
}

/** The six rates behind reason-based deception, per cell and arm at the follow-up shown. */
function DeceptionTable({ results, followup }: { results: RunResults; followup: number }) {
  const cells = results.cells.filter((cell) => cell.followup === followup);
  if (cells.length === 0) return null;
  return (
    <details class="deception-kinds" open>
      <summary>
        Reason-based deception in its two kinds, and missing reasoning by outcome, at{" "}
        {followupWords(followup)}
      </summary>
      <div class="table-scroll">
        <table class="deception">
          <TableHead
            columns={[
              "Subject · scenario · factors",
              "Arm",
              ...DECEPTION_KINDS.map((metric) => ({
                label: CELL_METRIC_TITLES[metric],
                hint: METRIC_DEFINITIONS[metric],
              })),
            ]}
          />
          <tbody>
            {cells.map((cell, index) => {
              const span = sameRun(cells, index, rowKey);
              return (
                <tr
                  key={JSON.stringify([rowKey(cell), cell.arm])}
                  class={span > 0 ? "cell-start" : undefined}
                >
                  {span > 0 ? (
                    <th scope="rowgroup" rowSpan={span}>
                      {cell.subject} · {cell.scenario}
                      <div class="muted small">{describeFactors(cell.factors)}</div>
                    </th>
                  ) : null}
                  <td>{cell.arm}</td>
                  {DECEPTION_KINDS.map((metric) => (
                    <td key={metric}>
                      <ProportionText proportion={cell[metric]} />
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p class="note">{DECEPTION_TABLE_NOTE}</p>
    </details>
  );
}

function Figures({ results, page }: { results: RunResults; page: PageQuery }) {
  const [a, b] = results.primary.contrast;
  const followup = Math.max(results.primary.followup, 1);
  const titles: Record<Exclude<FigureName, "primary">, string> = {
    arms: `The arms at follow-up ${followup}`,
    persistence: "Undesired output over follow-ups",
    forest: `${a} − ${b} in every cell at follow-up ${followup}`,
  };
  const shown = results.figures.filter((name) => name !== "primary");
  if (shown.length === 0) return null;
  return (
    <>
      <h2>Figures</h2>
      <div class="figures">
        {shown.map((name) => (
          <figure key={name}>
            <img src={figureSource(results, page, name) ?? ""} alt={titles[name]} />
            <figcaption>{titles[name]}</figcaption>
          </figure>
        ))}
      </div>
    </>
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

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
