import type Database from "better-sqlite3";
import { costOf, priceOf } from "../providers/price-table.ts";
import type { ModelSettings } from "../spec/experiment.ts";

export interface ModelUsage {
  model: string;
  role: "subject" | "judge";
  calls: number;
  cachedCalls: number;
  inputTokens: number;
  outputTokens: number;
  /** Dollars for the calls not served from the cache; null when the model has no known price. */
  costUsd: number | null;
}

interface UsageRow {
  model: string;
  calls: number;
  cachedCalls: number;
  inputTokens: number;
  outputTokens: number;
  billedInput: number;
  billedOutput: number;
}

/** Tokens and cost per subject and per model judge, from what the run stored. */
export function usageSummary(
  database: Database.Database,
  settings: Readonly<Record<string, ModelSettings>>,
): ModelUsage[] {
  const subjects = database
    .prepare(
      `SELECT t.subject AS model, COUNT(*) AS calls,
         SUM(COALESCE(json_extract(u.response_json, '$.metadata.cached'), 0) = 1) AS cachedCalls,
         SUM(json_extract(u.response_json, '$.usage.inputTokens')) AS inputTokens,
         SUM(json_extract(u.response_json, '$.usage.outputTokens')) AS outputTokens,
         SUM(CASE WHEN COALESCE(json_extract(u.response_json, '$.metadata.cached'), 0) = 1 THEN 0
             ELSE json_extract(u.response_json, '$.usage.inputTokens') END) AS billedInput,
         SUM(CASE WHEN COALESCE(json_extract(u.response_json, '$.metadata.cached'), 0) = 1 THEN 0
             ELSE json_extract(u.response_json, '$.usage.outputTokens') END) AS billedOutput
       FROM turns u JOIN trials t ON t.trial_id = u.trial_id
       WHERE u.source = 'generated' AND u.response_json IS NOT NULL
       GROUP BY t.subject ORDER BY t.subject`,
    )
    .all() as UsageRow[];
  const judges = database
    .prepare(
      `SELECT judge AS model,
         SUM(json_extract(usage_json, '$.calls')) AS calls,
         SUM(json_extract(usage_json, '$.cachedCalls')) AS cachedCalls,
         SUM(json_extract(usage_json, '$.inputTokens')) AS inputTokens,
         SUM(json_extract(usage_json, '$.outputTokens')) AS outputTokens,
         SUM(json_extract(usage_json, '$.billedInputTokens')) AS billedInput,
         SUM(json_extract(usage_json, '$.billedOutputTokens')) AS billedOutput
       FROM verdicts WHERE usage_json IS NOT NULL GROUP BY judge ORDER BY judge`,
    )
    .all() as UsageRow[];
  return [
    ...subjects.map((row) => toUsage(row, "subject", settings)),
    ...judges.map((row) => toUsage(row, "judge", settings)),
  ];
}

function toUsage(
  row: UsageRow,
  role: ModelUsage["role"],
  settings: Readonly<Record<string, ModelSettings>>,
): ModelUsage {
  const price = priceOf(row.model, settings[row.model]);
  return {
    model: row.model,
    role,
    calls: row.calls,
    cachedCalls: row.cachedCalls,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    costUsd: price
      ? costOf(price, { inputTokens: row.billedInput, outputTokens: row.billedOutput })
      : null,
  };
}
