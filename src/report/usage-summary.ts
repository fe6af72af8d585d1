import type Database from "better-sqlite3";
import {
  batchedTokens,
  type Price,
  servedCost,
  standardPriceOf,
} from "../providers/price-table.ts";
import type { ModelSettings } from "../spec/experiment.ts";

export interface ModelUsage {
  model: string;
  role: "subject" | "judge" | "pressurer";
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
  /** Of the billed tokens, those a batch API served; null where the run did not count them. */
  batchedInput: number | null;
  batchedOutput: number | null;
}

const BILLED_IF_BATCHED = (tokens: string) =>
  `SUM(CASE WHEN COALESCE(json_extract(u.response_json, '$.metadata.cached'), 0) = 1 THEN 0
        WHEN COALESCE(json_extract(u.response_json, '$.metadata.batch'), 0) = 1
        THEN json_extract(u.response_json, '$.usage.${tokens}') ELSE 0 END)`;

/**
 * Calls, tokens, the tokens paid for (cache hits are free) and those of them a batch API served
 * (each turn says so), over model turns `u`.
 */
const TURN_USAGE = `COUNT(*) AS calls,
         SUM(COALESCE(json_extract(u.response_json, '$.metadata.cached'), 0) = 1) AS cachedCalls,
         SUM(json_extract(u.response_json, '$.usage.inputTokens')) AS inputTokens,
         SUM(json_extract(u.response_json, '$.usage.outputTokens')) AS outputTokens,
         SUM(CASE WHEN COALESCE(json_extract(u.response_json, '$.metadata.cached'), 0) = 1 THEN 0
             ELSE json_extract(u.response_json, '$.usage.inputTokens') END) AS billedInput,
         SUM(CASE WHEN COALESCE(json_extract(u.response_json, '$.metadata.cached'), 0) = 1 THEN 0
             ELSE json_extract(u.response_json, '$.usage.outputTokens') END) AS billedOutput,
         ${BILLED_IF_BATCHED("inputTokens")} AS batchedInput,
         ${BILLED_IF_BATCHED("outputTokens")} AS batchedOutput`;

/** Tokens and cost per subject, per model judge and for the pressurer, from what the run stored. */
export function usageSummary(
  database: Database.Database,
  settings: Readonly<Record<string, ModelSettings>>,
  pressurer?: string,
): ModelUsage[] {
  const subjects = database
    .prepare(
      `SELECT t.subject AS model, ${TURN_USAGE}
       FROM turns u JOIN trials t ON t.trial_id = u.trial_id
       WHERE u.source = 'generated' AND u.response_json IS NOT NULL
       GROUP BY t.subject ORDER BY t.subject`,
    )
    .all() as UsageRow[];
  // The pressurer's turns are its calls; they are paid for like the subject's.
  const pressurers = pressurer
    ? (
        database
          .prepare(
            `SELECT ? AS model, ${TURN_USAGE} FROM turns u
             WHERE u.source = 'pressurer' AND u.response_json IS NOT NULL`,
          )
          .all(pressurer) as UsageRow[]
      ).filter((row) => row.calls > 0)
    : [];
  const judges = database
    .prepare(
      `SELECT judge AS model,
         SUM(json_extract(usage_json, '$.calls')) AS calls,
         SUM(json_extract(usage_json, '$.cachedCalls')) AS cachedCalls,
         SUM(json_extract(usage_json, '$.inputTokens')) AS inputTokens,
         SUM(json_extract(usage_json, '$.outputTokens')) AS outputTokens,
         SUM(json_extract(usage_json, '$.billedInputTokens')) AS billedInput,
         SUM(json_extract(usage_json, '$.billedOutputTokens')) AS billedOutput,
         -- Null unless every verdict counted its batched tokens (runs made before did not).
         CASE WHEN COUNT(json_extract(usage_json, '$.batchedInputTokens')) = COUNT(*)
           THEN SUM(json_extract(usage_json, '$.batchedInputTokens')) END AS batchedInput,
         CASE WHEN COUNT(json_extract(usage_json, '$.batchedOutputTokens')) = COUNT(*)
           THEN SUM(json_extract(usage_json, '$.batchedOutputTokens')) END AS batchedOutput
       FROM verdicts WHERE usage_json IS NOT NULL GROUP BY judge ORDER BY judge`,
    )
    .all() as UsageRow[];
  return [
    ...subjects.map((row) => toUsage(row, "subject", settings)),
    ...judges.map((row) => toUsage(row, "judge", settings)),
    ...pressurers.map((row) => toUsage(row, "pressurer", settings)),
  ];
}

function toUsage(
  row: UsageRow,
  role: ModelUsage["role"],
  settings: Readonly<Record<string, ModelSettings>>,
): ModelUsage {
  const price = standardPriceOf(row.model, settings[row.model]);
  return {
    model: row.model,
    role,
    calls: row.calls,
    cachedCalls: row.cachedCalls,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    costUsd: price ? billedCost(row, price, settings[row.model]) : null,
  };
}

/** Each call at the price it was served at: batched tokens at the batch price (batchedTokens). */
function billedCost(row: UsageRow, price: Price, settings: ModelSettings | undefined): number {
  const billed = { inputTokens: row.billedInput, outputTokens: row.billedOutput };
  const counted = { inputTokens: row.batchedInput, outputTokens: row.batchedOutput };
  return servedCost(price, billed, batchedTokens(billed, counted, settings));
}
