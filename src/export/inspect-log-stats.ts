import type Database from "better-sqlite3";
import { batchedTokens, servedCost, standardPriceOf } from "../providers/price-table.ts";
import type { ModelSettings } from "../spec/experiment.ts";
import type { RunMetadata } from "../store/run-store.ts";
import { type InspectModelUsage, usageOf } from "./inspect-sample.ts";

interface UsageRow {
  model: string;
  inputTokens: number | null;
  outputTokens: number | null;
  billedInput: number | null;
  billedOutput: number | null;
  /** Of the billed tokens, those a batch API served; null where the run did not count them. */
  batchedInput: number | null;
  batchedOutput: number | null;
}

/**
 * The log's `stats`, counted in SQL before any sample is written: Inspect reads a JSON log's
 * header by streaming it up to `samples`, so everything it needs must come first. Tokens and cost
 * of the subject's generated turns and of each model judge's verdicts (in this verdict set) on
 * them; cached calls cost nothing, an unknown price makes the cost null.
 */
export function inspectLogStats(
  database: Database.Database,
  metadata: RunMetadata,
  subject: string,
  verdictSet: string,
): Record<string, unknown> {
  const settings = (metadata.experiment as { models?: Record<string, ModelSettings> }).models ?? {};
  const cached = "COALESCE(json_extract(u.response_json, '$.metadata.cached'), 0) = 1";
  const unbatched = "COALESCE(json_extract(u.response_json, '$.metadata.batch'), 0) != 1";
  const subjectRows = database
    .prepare(
      `SELECT t.subject AS model,
         SUM(json_extract(u.response_json, '$.usage.inputTokens')) AS inputTokens,
         SUM(json_extract(u.response_json, '$.usage.outputTokens')) AS outputTokens,
         SUM(CASE WHEN ${cached} THEN 0 ELSE json_extract(u.response_json, '$.usage.inputTokens') END) AS billedInput,
         SUM(CASE WHEN ${cached} THEN 0 ELSE json_extract(u.response_json, '$.usage.outputTokens') END) AS billedOutput,
         SUM(CASE WHEN ${cached} OR ${unbatched} THEN 0 ELSE json_extract(u.response_json, '$.usage.inputTokens') END) AS batchedInput,
         SUM(CASE WHEN ${cached} OR ${unbatched} THEN 0 ELSE json_extract(u.response_json, '$.usage.outputTokens') END) AS batchedOutput
       FROM turns u JOIN trials t ON t.trial_id = u.trial_id
       WHERE t.subject = ? AND t.status != 'pending' AND u.response_json IS NOT NULL
       GROUP BY t.subject`,
    )
    .all(subject) as UsageRow[];
  const judgeRows = database
    .prepare(
      `SELECT v.judge AS model,
         SUM(json_extract(v.usage_json, '$.inputTokens')) AS inputTokens,
         SUM(json_extract(v.usage_json, '$.outputTokens')) AS outputTokens,
         SUM(json_extract(v.usage_json, '$.billedInputTokens')) AS billedInput,
         SUM(json_extract(v.usage_json, '$.billedOutputTokens')) AS billedOutput,
         -- Null unless every verdict counted its batched tokens (runs made before did not).
         CASE WHEN COUNT(json_extract(v.usage_json, '$.batchedInputTokens')) = COUNT(*)
           THEN SUM(json_extract(v.usage_json, '$.batchedInputTokens')) END AS batchedInput,
         CASE WHEN COUNT(json_extract(v.usage_json, '$.batchedOutputTokens')) = COUNT(*)
           THEN SUM(json_extract(v.usage_json, '$.batchedOutputTokens')) END AS batchedOutput
       FROM verdicts v JOIN trials t ON t.trial_id = v.trial_id
       WHERE t.subject = ? AND t.status != 'pending' AND v.verdict_set = ? AND v.usage_json IS NOT NULL
       GROUP BY v.judge ORDER BY v.judge`,
    )
    .all(subject, verdictSet) as UsageRow[];
  const modelUsage: Record<string, InspectModelUsage> = {};
  for (const row of [...subjectRows, ...judgeRows])
    modelUsage[row.model] = inspectUsage(row, settings[row.model]);
  return {
    started_at: metadata.createdAt,
    completed_at: lastFinished(database, subject) ?? metadata.createdAt,
    model_usage: modelUsage,
    role_usage: {},
  };
}

function inspectUsage(row: UsageRow, settings: ModelSettings | undefined): InspectModelUsage {
  const price = standardPriceOf(row.model, settings);
  const billed = { inputTokens: row.billedInput ?? 0, outputTokens: row.billedOutput ?? 0 };
  const counted = { inputTokens: row.batchedInput, outputTokens: row.batchedOutput };
  const cost = price ? servedCost(price, billed, batchedTokens(billed, counted, settings)) : null;
  return usageOf(row.inputTokens ?? 0, row.outputTokens ?? 0, cost);
}

function lastFinished(database: Database.Database, subject: string): string | null {
  const row = database
    .prepare("SELECT MAX(finished_at) AS last FROM trials WHERE subject = ?")
    .get(subject) as { last: string | null };
  return row.last;
}
