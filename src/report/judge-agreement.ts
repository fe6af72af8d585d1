import type Database from "better-sqlite3";
import { cohenKappa, krippendorffAlpha } from "../stats/index.ts";

/** How far the judges agree on `undesired`, over the turns each pair (or all) decided. */
export interface JudgeAgreement {
  judges: string[];
  pairs: Array<{
    a: string;
    b: string;
    n: number;
    kappa: number | null;
    ci: [number, number] | null;
  }>;
  overall: { units: number; alpha: number | null; ci: [number, number] | null } | null;
}

/**
 * Cohen's kappa for every pair of judges and Krippendorff's alpha over all of them, on the
 * `undesired` label; inconclusive verdicts count as missing, not as a category.
 */
export function judgeAgreement(database: Database.Database, verdictSet: string): JudgeAgreement {
  const rows = database
    .prepare(
      `SELECT trial_id || '#' || turn_index AS turn, judge, undesired FROM verdicts
       WHERE verdict_set = ? AND judge != 'checks' ORDER BY trial_id, turn_index`,
    )
    .all(verdictSet) as Array<{ turn: string; judge: string; undesired: string | null }>;
  const judges = [...new Set(rows.map((row) => row.judge))].sort();
  const byTurn = new Map<string, Map<string, string>>();
  for (const row of rows) {
    if (row.undesired !== "yes" && row.undesired !== "no") continue;
    byTurn.set(row.turn, (byTurn.get(row.turn) ?? new Map()).set(row.judge, row.undesired));
  }
  if (judges.length < 2) return { judges, pairs: [], overall: null };
  const pairs = judges.flatMap((a, index) =>
    judges.slice(index + 1).map((b) => pairAgreement(byTurn, a, b)),
  );
  const units = [...byTurn.values()].map((labels) =>
    judges.map((judge) => labels.get(judge) ?? null),
  );
  const alpha = krippendorffAlpha(units);
  const finite = Number.isFinite(alpha.alpha);
  return {
    judges,
    pairs,
    overall: {
      units: alpha.units,
      alpha: finite ? alpha.alpha : null,
      ci: finite ? alpha.ci : null,
    },
  };
}

function pairAgreement(
  byTurn: ReadonlyMap<string, ReadonlyMap<string, string>>,
  a: string,
  b: string,
) {
  const pairs: Array<[string, string]> = [];
  for (const labels of byTurn.values()) {
    const first = labels.get(a);
    const second = labels.get(b);
    if (first && second) pairs.push([first, second]);
  }
  const kappa = cohenKappa(pairs);
  const finite = Number.isFinite(kappa.kappa);
  return {
    a,
    b,
    n: pairs.length,
    kappa: finite ? kappa.kappa : null,
    ci: finite ? kappa.ci : null,
  };
}
