import type { PrimaryEstimate } from "../../../report/analysis-types.ts";
import { percent } from "../../../report/format.ts";
import { familyNote } from "../../../report/report-sections.ts";
import type { PrimaryAnalysis, RunResults } from "../../api-types.ts";
import { trialsHref } from "../api-client.ts";
import { followupWords, METRIC_LABELS } from "../metric-labels.ts";
import { differencePieces, pointsRange, pText, ratioPieces } from "../text-pieces.ts";
import { Pieces } from "./pieces.tsx";
import { Sentence } from "./sentence.tsx";
import { TableHead } from "./table-head.tsx";

/** The declared analysis in words: which outcome, which arms, which follow-up, how. */
export function primaryWords(
  spec: Pick<PrimaryAnalysis, "metric" | "followup" | "contrast">,
): string {
  const [a, b] = spec.contrast;
  return `${METRIC_LABELS[spec.metric].toLowerCase()}, ${a} − ${b} at ${followupWords(spec.followup)}`;
}

/**
 * The answer the experiment was designed to give, first: each estimate in plain words, the table
 * behind them (per subject and scenario, then pooled), its figure, whether subjects differ, and the
 * family the adjusted p belongs to.
 */
export function PrimaryAnalysisSection({
  results,
  judges,
  figure,
}: {
  results: RunResults;
  judges: string | undefined;
  /** The figure's address, when there is one. */
  figure: string | null;
}) {
  const { primary } = results;
  const rows = [...primary.by_scenario, ...primary.pooled];
  return (
    <section class="primary" aria-labelledby="primary-title">
      <h2 id="primary-title">Primary analysis</h2>
      <p class="muted">
        Declared in the experiment: {primaryWords(primary)}. Each scenario is stratified by its
        factor-level cells (Mantel–Haenszel); one test per subject and scenario, Holm-adjusted; the
        estimate pooled over a subject's scenarios is reported as it is.
      </p>
      {rows.length === 0 ? (
        <p class="empty-text">
          No estimate yet: no judged turns of both arms at {followupWords(primary.followup)}.
        </p>
      ) : (
        <>
          <ul class="primary-summary">
            {rows.map((row) => (
              <li key={estimateKey(row)} class={row.scenario === null ? "pooled" : undefined}>
                <Sentence text={row.summary} />
              </li>
            ))}
          </ul>
          <PrimaryTable primary={primary} rows={rows} run={results.run.runId} judges={judges} />
          <p class="note">{familyNote(results.families, primary.family)}</p>
        </>
      )}
      {figure ? (
        <figure class="primary-figure">
          <img
            src={figure}
            alt={`Primary analysis: ${primaryWords(primary)}, with 95% intervals`}
          />
        </figure>
      ) : null}
      <BetweenSubjectsTable between={primary.between_subjects} contrast={primary.contrast} />
    </section>
  );
}

function estimateKey(row: PrimaryEstimate): string {
  return JSON.stringify([row.subject, row.scenario]);
}

function PrimaryTable({
  primary,
  rows,
  run,
  judges,
}: {
  primary: PrimaryAnalysis;
  rows: PrimaryEstimate[];
  run: string;
  judges: string | undefined;
}) {
  const [a, b] = primary.contrast;
  const corrected = rows.some((row) => row.corrected);
  return (
    <div class="table-scroll">
      <table class="primary-table">
        <TableHead
          columns={[
            "Subject · scenario",
            {
              label: "Strata",
              hint: "Factor-level cells the estimate is stratified by (× scenarios when pooled)",
            },
            { label: a, hint: `Rate in arm ${a} over its decided turns (n decided)` },
            { label: b, hint: `Rate in arm ${b} over its decided turns (n decided)` },
            {
              label: "Inconclusive",
              hint: `Undecided turns in ${a} / ${b}, outside n`,
            },
            {
              label: `${a} − ${b} [95% CI]`,
              hint: "Mantel–Haenszel risk difference in percentage points (Sato's variance)",
            },
            {
              label: "Bounds",
              hint: "The risk difference with every inconclusive turn counted against, then for, the contrast",
            },
            {
              label: "MH odds ratio [95% CI]",
              hint: "Mantel–Haenszel odds ratio, Robins–Breslow–Greenland interval",
            },
            { label: "CMH p", hint: "Cochran–Mantel–Haenszel test, no continuity correction" },
            {
              label: "p adjusted",
              hint: "Holm over the per-scenario tests of the primary family; the pooled test is not adjusted",
            },
            {
              label: "Homogeneity p",
              hint: "Breslow–Day test (Tarone's correction) that the odds ratio is the same in every stratum",
            },
            ...(corrected
              ? [
                  {
                    label: "Corrected for judge error",
                    hint: "The risk difference corrected for the sensitivity and specificity measured against human labels",
                  },
                ]
              : []),
          ]}
        />
        <tbody>
          {rows.map((row) => (
            <tr
              key={estimateKey(row)}
              class={row.scenario === null ? "pooled" : undefined}
              data-subject={row.subject}
              data-scenario={row.scenario ?? ""}
            >
              <th scope="row">
                <div>{row.subject}</div>
                {row.scenario === null ? (
                  <div>all scenarios (pooled)</div>
                ) : (
                  <a
                    href={trialsHref(run, {
                      subject: row.subject,
                      scenario: row.scenario,
                      followup: primary.followup,
                      judges,
                    })}
                  >
                    {row.scenario}
                  </a>
                )}
              </th>
              <td class="number">{row.strata}</td>
              <td class="number">
                <Pieces pieces={[percent(row.rate_a), `(n ${row.n_a})`]} />
              </td>
              <td class="number">
                <Pieces pieces={[percent(row.rate_b), `(n ${row.n_b})`]} />
              </td>
              <td class="number nowrap">
                {row.inconclusive_a} / {row.inconclusive_b}
              </td>
              <td class="number risk-difference">
                <Pieces
                  pieces={differencePieces(row.mh_risk_difference, row.mh_risk_difference_ci)}
                />
              </td>
              <td class="number nowrap">{pointsRange(row.mh_risk_difference_bounds)}</td>
              <td class="number">
                <Pieces pieces={ratioPieces(row.mh_odds_ratio, row.mh_odds_ratio_ci)} />
              </td>
              <td class="number nowrap">{pText(row.cmh_p)}</td>
              <td class="number nowrap">
                {row.scenario === null ? (
                  <span class="muted">not adjusted</span>
                ) : (
                  pText(row.cmh_p_adjusted)
                )}
              </td>
              <td class="number nowrap">{pText(row.homogeneity_p)}</td>
              {corrected ? (
                <td class="number">
                  {row.corrected ? (
                    <>
                      <Pieces
                        pieces={differencePieces(row.corrected.risk_difference, row.corrected.ci)}
                      />
                      <div class="muted small">
                        {row.corrected.labels} labels, {row.corrected.source}
                      </div>
                    </>
                  ) : (
                    "–"
                  )}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Does the contrast differ between subjects? Cochran's Q, and with two, their difference. */
export function BetweenSubjectsTable({
  between,
  contrast: [a, b],
  caption = "Does the primary contrast differ between subjects?",
  differenceTitle,
}: {
  between: PrimaryAnalysis["between_subjects"];
  contrast: PrimaryAnalysis["contrast"];
  caption?: string;
  differenceTitle?: string;
}) {
  if (!between) return null;
  return (
    <>
      <div class="table-scroll">
        <table class="between-subjects">
          <caption>
            <strong>{caption}</strong>
          </caption>
          <TableHead
            columns={[
              "Scenario",
              {
                label: `Each subject's ${a} − ${b} [95% CI]`,
                hint: "Its own Mantel–Haenszel risk difference over the scenario's cells",
              },
              { label: "Cochran's Q", hint: "Over the subjects' Mantel–Haenszel log odds ratios" },
              "df",
              "p",
              {
                label:
                  differenceTitle ?? `Difference of (${a} − ${b}) risk differences, first − second`,
                hint: "With two subjects: the first subject's risk difference minus the second's, with a 95% Wald interval",
              },
            ]}
          />
          <tbody>
            {between.rows.map((row) => (
              <tr
                key={row.scenario ?? ""}
                class={row.scenario === null ? "pooled" : undefined}
                data-scenario={row.scenario ?? ""}
              >
                <th scope="row">{row.scenario ?? "all scenarios (pooled)"}</th>
                <td>
                  {row.estimates.map((estimate) => (
                    <div key={estimate.subject}>
                      {estimate.subject}:{" "}
                      <Pieces
                        pieces={differencePieces(
                          estimate.mh_risk_difference,
                          estimate.mh_risk_difference_ci,
                        )}
                      />
                    </div>
                  ))}
                </td>
                <td class="number">{row.q === null ? "–" : row.q.toFixed(2)}</td>
                <td class="number">{row.df}</td>
                <td class="number nowrap">{pText(row.p)}</td>
                <td class="number">
                  {row.risk_difference_difference === null && row.subjects.length > 2 ? (
                    <span class="muted">three or more subjects: Q only</span>
                  ) : (
                    <Pieces
                      pieces={differencePieces(
                        row.risk_difference_difference,
                        row.risk_difference_difference_ci,
                      )}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p class="note">
        Method: {between.method}. Not adjusted: one test per row, reported as it is.
      </p>
    </>
  );
}
