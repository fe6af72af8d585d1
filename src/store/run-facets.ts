import type Database from "better-sqlite3";

/** The values a run's trials can be filtered on, in plan order. */
export interface RunFacets {
  subjects: string[];
  scenarios: string[];
  arms: string[];
  /** Factor name → its levels, as they occur in the run's trials. */
  factors: Record<string, string[]>;
  /** Follow-ups with judged turns; 0 is the intervention point, judged in arms that generate it. */
  followups: number[];
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
  const followups = (
    database
      .prepare("SELECT DISTINCT followup FROM turns WHERE judged = 1 ORDER BY followup")
      .all() as Array<{ followup: number }>
  ).map((row) => row.followup);
  return {
    subjects: distinct("subject"),
    scenarios: distinct("scenario_id"),
    arms: distinct("arm"),
    factors,
    followups,
  };
}
