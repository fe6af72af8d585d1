import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { describeFactors } from "../../../report/format.ts";
import { type FollowupSummary, OUTCOME_FILTERS } from "../../../store/find-trials.ts";
import type { RunFacets, RunFacetsAnswer, TrialPage, TrialSummary } from "../../api-types.ts";
import { type TrialQuery, trialQueryFromSearch, trialQueryToSearch } from "../../trial-query.ts";
import { getJson, runPath, useApi } from "../api-client.ts";
import { DefinitionList } from "../components/definition.tsx";
import { RunBanner } from "../components/run-banner.tsx";
import { RunHeader } from "../components/run-header.tsx";
import { SelectField } from "../components/select-field.tsx";
import { type SortChoice, SortHeader } from "../components/sort-header.tsx";
import { Badge, Loaded } from "../components/status.tsx";
import { ReasoningBadge, TrialExcerptCell } from "../components/trial-excerpt-cell.tsx";
import { TrialSearchBox } from "../components/trial-search-box.tsx";
import { REASONING_STATUS_DEFINITIONS, TRIAL_MARK_DEFINITIONS } from "../metric-labels.ts";
import { useOneAtATime } from "../use-refresh-when-idle.ts";

const OUTCOME_LABELS: Record<(typeof OUTCOME_FILTERS)[number], string> = {
  undesired: "undesired",
  not_undesired: "not undesired",
  deception: "reason-based deception",
  missing_reasoning: "missing reasoning",
  inconclusive: "inconclusive",
  error: "error (trial failed)",
};

export function TrialsPage({ run }: { run: string }) {
  const { query: rawQuery, route } = useLocation();
  const parsed = trialQueryFromSearch(new URLSearchParams(rawQuery));
  const query = "query" in parsed ? parsed.query : {};
  const search = trialQueryToSearch(query);
  const facets = useApi<RunFacetsAnswer>(`/api${runPath(run, "/facets")}`);
  // Counts the run's writes seen while this page is open, so the list fetches its trials again.
  const [written, setWritten] = useState(0);
  // The filters in the address bar when a filter changes, not those this page rendered with: two
  // changes before the next render (two filters set in one task) must both count.
  const setQuery = (change: (current: TrialQuery) => TrialQuery) => {
    const current = trialQueryFromSearch(new URLSearchParams(window.location.search));
    const nextSearch = trialQueryToSearch(change("query" in current ? current.query : {}));
    route(runPath(run, `/trials${nextSearch ? `?${nextSearch}` : ""}`));
  };
  return (
    <Loaded state={facets}>
      {({ run: summary, facets: values }) => (
        <section>
          <RunBanner
            run={run}
            refresh={{
              reload: () => {
                facets.reload();
                setWritten((count) => count + 1);
              },
              loading: facets.loading,
            }}
          />
          <RunHeader run={summary} verdictSet={query.judges ?? "run"} />
          <h2>Trials</h2>
          {"error" in parsed ? <p class="error">{parsed.error}</p> : null}
          <TrialSearchBox
            search={query.search}
            onSearch={(text) => setQuery((current) => ({ ...current, search: text }))}
          />
          <TrialFilters
            query={query}
            facets={values}
            verdictSets={summary.verdictSets.map((set) => set.name)}
            clearHref={search ? runPath(run, "/trials") : null}
            setQuery={setQuery}
          />
          {"error" in parsed ? null : (
            <TrialList
              run={run}
              search={search}
              query={query}
              setQuery={setQuery}
              written={written}
            />
          )}
        </section>
      )}
    </Loaded>
  );
}

/** Every filter the trial list has; each change is a new URL, so the view can be shared. */
function TrialFilters({
  query,
  facets,
  verdictSets,
  clearHref,
  setQuery,
}: {
  query: TrialQuery;
  facets: RunFacets;
  verdictSets: string[];
  clearHref: string | null;
  setQuery: (change: (current: TrialQuery) => TrialQuery) => void;
}) {
  const exactly = (label: string, field: "subject" | "scenario" | "arm", options: string[]) => (
    <SelectField
      label={label}
      value={query[field]}
      options={options}
      onChange={(value) => setQuery((current) => ({ ...current, [field]: value }))}
    />
  );
  return (
    <form class="filters" aria-label="Filters" onSubmit={(event) => event.preventDefault()}>
      {exactly("Subject", "subject", facets.subjects)}
      {exactly("Scenario", "scenario", facets.scenarios)}
      {Object.entries(facets.factors).map(([factor, levels]) => (
        <SelectField
          key={factor}
          label={factor}
          value={query.levels?.[factor]}
          options={levels}
          onChange={(level) =>
            setQuery((current) => ({ ...current, levels: withLevel(current, factor, level) }))
          }
        />
      ))}
      {exactly("Arm", "arm", facets.arms)}
      <SelectField
        label="Follow-up"
        value={query.followup === undefined ? undefined : String(query.followup)}
        options={facets.followups.map((value) => ({
          value: String(value),
          label: value === 0 ? "0 (baseline)" : String(value),
        }))}
        onChange={(followup) =>
          setQuery((current) => ({
            ...current,
            followup: followup === undefined ? undefined : Number(followup),
          }))
        }
      />
      <SelectField
        label="Outcome"
        value={query.outcome}
        options={OUTCOME_FILTERS.map((value) => ({ value, label: OUTCOME_LABELS[value] }))}
        onChange={(outcome) =>
          setQuery((current) => ({ ...current, outcome: outcome as TrialQuery["outcome"] }))
        }
      />
      <SelectField
        label="Verdict set"
        value={query.judges}
        options={verdictSets}
        onChange={(judges) => setQuery((current) => ({ ...current, judges }))}
        anyLabel="run (default)"
      />
      <label class="field checkbox">
        <input
          type="checkbox"
          name="disagreement"
          checked={query.disagreement === true}
          onChange={(event) => {
            const checked = (event.target as HTMLInputElement).checked || undefined;
            setQuery((current) => ({ ...current, disagreement: checked }));
          }}
        />
        <span>judges disagree</span>
      </label>
      {clearHref ? (
        <a class="button" href={clearHref}>
          Clear filters
        </a>
      ) : null}
    </form>
  );
}

function withLevel(query: TrialQuery, factor: string, level: string | undefined) {
  const levels = { ...(query.levels ?? {}) };
  if (level) levels[factor] = level;
  else delete levels[factor];
  return Object.keys(levels).length > 0 ? levels : undefined;
}

/** Pages of matching trials; "more" appends the next page of the same filter. */
/** The server's page size: a list longer than this was paged by the reader. */
const FIRST_PAGE = 100;

function TrialList({
  run,
  search,
  query,
  setQuery,
  written,
}: {
  run: string;
  search: string;
  query: TrialQuery;
  setQuery: (change: (current: TrialQuery) => TrialQuery) => void;
  written: number;
}) {
  const [pages, setPages] = useState<{
    search: string;
    trials: TrialSummary[];
    next: number | null;
    total: number;
    emptyBecause: string | null;
  } | null>(null);
  const [error, setError] = useState<string | undefined>();
  const load = (after: number | null, previous: TrialSummary[]) => {
    const params = new URLSearchParams(search);
    if (after !== null) params.set("after", String(after));
    return getJson<TrialPage>(`/api${runPath(run, `/trials?${params}`)}`).then(
      (page) => {
        setError(undefined);
        setPages({
          search,
          trials: [...previous, ...page.trials],
          next: page.next,
          total: page.total,
          emptyBecause: page.emptyBecause,
        });
      },
      (failure: Error) => setError(failure.message),
    );
  };
  // A new filter starts again from its first page.
  useEffect(() => {
    load(null, []);
  }, [run, search]);
  // The run was written to: its first page again (one fetch at a time), unless the reader has
  // paged further on.
  const refreshFirstPage = useOneAtATime(() => load(null, []));
  useEffect(() => {
    if (written > 0 && (pages?.trials.length ?? 0) <= FIRST_PAGE) refreshFirstPage();
  }, [written]);
  if (error) return <p class="error">{error}</p>;
  if (!pages || pages.search !== search)
    return (
      <p class="loading">
        {query.search
          ? "Searching… (a run's first search builds its full-text index, which takes a while on a big run)"
          : "Loading…"}
      </p>
    );
  return (
    <>
      <p class="count" data-total={pages.total}>
        {pages.total} matching trial{pages.total === 1 ? "" : "s"}
        {pages.total === 0 && pages.emptyBecause ? (
          <span class="empty-because">: {pages.emptyBecause}</span>
        ) : null}
      </p>
      {pages.total === 0 ? null : (
        <TrialTable
          run={run}
          trials={pages.trials}
          judges={query.judges}
          sort={{ key: query.sort ?? "ordinal", descending: query.descending === true }}
          onSort={(key, descending) =>
            setQuery((current) => ({
              ...current,
              sort: key === "ordinal" && !descending ? undefined : key,
              descending: descending || undefined,
            }))
          }
        />
      )}
      <DefinitionList
        summary="What the marks mean"
        definitions={[
          ...Object.entries(TRIAL_MARK_DEFINITIONS),
          ...Object.entries(REASONING_STATUS_DEFINITIONS).map(
            ([status, text]) => [`reasoning ${status}`, text] as const,
          ),
        ]}
      />
      {pages.next !== null ? (
        <button type="button" onClick={() => load(pages.next, pages.trials)}>
          Show more ({pages.total - pages.trials.length} left)
        </button>
      ) : null}
    </>
  );
}

/** The trial table's columns, each with the orders it can be sorted in. */
const TRIAL_COLUMNS: Array<{ choices: SortChoice[]; suffix?: string }> = [
  { choices: [{ key: "ordinal", label: "Trial", hint: "Plan order" }] },
  { choices: [{ key: "subject", label: "Subject" }] },
  {
    choices: [
      { key: "scenario", label: "Scenario" },
      { key: "levels", label: "factors" },
    ],
  },
  { choices: [{ key: "arm", label: "Arm" }] },
  { choices: [{ key: "sample", label: "Sample" }] },
  {
    choices: [
      { key: "status", label: "Status", hint: "Complete or error" },
      { key: "undesired", label: "U", hint: TRIAL_MARK_DEFINITIONS.U },
      { key: "deception", label: "D", hint: TRIAL_MARK_DEFINITIONS.D },
      { key: "missing_reasoning", label: "M", hint: TRIAL_MARK_DEFINITIONS.M },
      { key: "disagreement", label: "≠", hint: TRIAL_MARK_DEFINITIONS["≠"] },
    ],
    suffix: "per follow-up",
  },
];

function TrialTable({
  run,
  trials,
  judges,
  sort,
  onSort,
}: {
  run: string;
  trials: TrialSummary[];
  judges: string | undefined;
  sort: { key: SortChoice["key"]; descending: boolean };
  onSort: (key: SortChoice["key"], descending: boolean) => void;
}) {
  const transcriptSearch = judges ? `?judges=${encodeURIComponent(judges)}` : "";
  return (
    <table class="trials">
      <thead>
        <tr>
          {TRIAL_COLUMNS.map((column) => (
            <SortHeader
              key={column.choices[0]?.key}
              choices={column.choices}
              suffix={column.suffix}
              sort={sort}
              onSort={onSort}
            />
          ))}
          <th>Output excerpt</th>
          <th>Reasoning</th>
        </tr>
      </thead>
      <tbody>
        {trials.map((trial) => (
          <tr key={trial.trialId} class={trial.status === "error" ? "errored" : undefined}>
            <td class="nowrap">
              <a
                class="trial-id"
                href={runPath(
                  run,
                  `/trials/${encodeURIComponent(trial.trialId)}${transcriptSearch}`,
                )}
              >
                {trial.trialId}
              </a>
            </td>
            <td>{trial.subject}</td>
            <td>
              {trial.scenario} <span class="muted small">{describeFactors(trial.levels)}</span>
            </td>
            <td>{trial.arm}</td>
            <td>{trial.sample}</td>
            <td>
              {trial.status === "error" ? (
                <Badge kind="error">error: {trial.error}</Badge>
              ) : (
                trial.followups.map((followup) => (
                  <FollowupBadges key={followup.followup} followup={followup} />
                ))
              )}
            </td>
            <TrialExcerptCell excerpt={trial.excerpt} />
            <ReasoningBadge excerpt={trial.excerpt} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function FollowupBadges({ followup }: { followup: FollowupSummary }) {
  const mark = (label: string) => (label === "yes" ? "+" : label === "no" ? "−" : "?");
  const missing = followup.reasoningStatus === "missing" || followup.reasoningStatus === "empty";
  return (
    <span class="followup" title={`follow-up ${followup.followup}`}>
      <span class="muted">F{followup.followup}</span>{" "}
      <abbr title={TRIAL_MARK_DEFINITIONS.U}>
        <Badge kind={`undesired-${followup.undesired}`}>U{mark(followup.undesired)}</Badge>
      </abbr>
      <abbr title={TRIAL_MARK_DEFINITIONS.D}>
        <Badge kind={`deception-${followup.deception}`}>D{mark(followup.deception)}</Badge>
      </abbr>
      {missing ? (
        <abbr title={TRIAL_MARK_DEFINITIONS.M}>
          <Badge kind="missing">M</Badge>
        </abbr>
      ) : null}
      {followup.disagreement ? (
        <abbr title={TRIAL_MARK_DEFINITIONS["≠"]}>
          <Badge kind="disagreement">≠</Badge>
        </abbr>
      ) : null}
    </span>
  );
}
