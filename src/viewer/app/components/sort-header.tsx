import type { TrialSortKey } from "../../../store/trial-sort.ts";

/** A column's sort choices: each a button; the current one shows its direction. */
export interface SortChoice {
  key: TrialSortKey;
  label: string;
  /** What the column holds, on hover. */
  hint?: string;
}

/**
 * A trial-table header cell whose labels sort the list: a first click sorts ascending, a second
 * descending. The sort is part of the URL, as the filters are.
 */
export function SortHeader({
  choices,
  suffix,
  sort,
  onSort,
}: {
  choices: readonly SortChoice[];
  suffix?: string;
  sort: { key: TrialSortKey; descending: boolean };
  onSort: (key: TrialSortKey, descending: boolean) => void;
}) {
  const current = choices.find((choice) => choice.key === sort.key);
  const ariaSort = current ? (sort.descending ? "descending" : "ascending") : undefined;
  return (
    <th aria-sort={ariaSort}>
      {choices.map((choice, index) => {
        const active = choice.key === sort.key;
        return (
          <span key={choice.key}>
            {index > 0 ? " · " : null}
            <button
              type="button"
              class={`sort${active ? " sort-active" : ""}`}
              data-sort={choice.key}
              title={`${choice.hint ? `${choice.hint}. ` : ""}Sort by ${choice.label}${active && !sort.descending ? ", descending" : ""}`}
              onClick={() => onSort(choice.key, active && !sort.descending)}
            >
              {choice.label}
              {active ? (sort.descending ? " ▼" : " ▲") : null}
            </button>
          </span>
        );
      })}
      {suffix ? <span class="muted small"> {suffix}</span> : null}
    </th>
  );
}
