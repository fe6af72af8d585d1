import { join } from "node:path";
import Database from "better-sqlite3";
import { readTrialCalls, type StoredCall } from "../src/store/call-records.ts";
import { readTrial } from "../src/store/read-trials.ts";

export interface TrialCall {
  trialId: string;
  call: StoredCall;
  turnContent: string;
}

/** Every recorded call of a run, with its trial and the content of the turn it belongs to. */
export function recordedCalls(runsDir: string, run: string): TrialCall[] {
  const database = new Database(join(runsDir, run, "run.sqlite"), { readonly: true });
  const trialIds = database.prepare("SELECT trial_id FROM trials").pluck().all() as string[];
  const calls = trialIds.flatMap((trialId) => {
    const trial = readTrial(database, trialId, "run");
    return (readTrialCalls(database, trialId, "run") ?? []).map((call) => ({
      trialId,
      call,
      turnContent: trial?.turns[call.turnIndex]?.content ?? "",
    }));
  });
  database.close();
  return calls;
}
