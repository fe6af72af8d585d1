import type Database from "better-sqlite3";

/** The values a run's trials can be filtered on, in plan order. */
export interface RunFacets {
  subjects: string[];
  scenarios: string[];
  arms: string[];
  /** Factor name → its levels, as they occur in the run's trials. */
  factors: Record<string, string[]>;
  /** The highest follow-up any judged turn reached. */
  followups: number;
}

export function runFacets(database: Database.Database): RunFacets {
  const distinct = (column: string) =>
    (
      database
        .prepare(`SELECT ${column} AS value FROM trials GROUP BY ${column} ORDER BY MIN(ordinal)`)
        .all() as Array<{ value: string }>
    ).map((row) => row.value);
  const factors: Record<string, string[]> = {};
  for (const levels of distinct("levels_json")) {
    for (const [factor, level] of Object.entries(JSON.parse(levels) as Record<string, string>)) {
      const known = factors[factor] ?? [];
      if (!known.includes(level)) factors[factor] = [...known, level];
    }
  }
  const { followups } = database
    .prepare("SELECT COALESCE(MAX(followup), 0) AS followups FROM turns WHERE judged = 1")
    .get() as { followups: number };
  return {
    subjects: distinct("subject"),
    scenarios: distinct("scenario_id"),
    arms: distinct("arm"),
    factors,
    followups,
  };
}
