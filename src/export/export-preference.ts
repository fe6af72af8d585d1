import { createHash } from "node:crypto";
import type { Writable } from "node:stream";
import type { TrialResult, TurnRecord } from "../spec/trial-record.ts";
import { readTrial } from "../store/read-trials.ts";
import { RUN_VERDICT_SET, type RunStore } from "../store/run-store.ts";
import {
  isDesiredTurn,
  isRejectedTurn,
  runProvenance,
  selectedTrials,
  type TrainingOptions,
  turnProvenance,
} from "./training-selection.ts";
import { writeChunk } from "./write-chunk.ts";

/** A turn found in the first pass, by reference: texts are read again only for turns that pair. */
interface Candidate {
  trialId: string;
  turnIndex: number;
}

interface PrefixGroup {
  chosen: Candidate[];
  rejected: Candidate[];
}

/**
 * Preference pairs in TRL's conversational preference format, one per line:
 * `{"prompt": [messages], "chosen": [assistant], "rejected": [assistant], "metadata": {...}}`.
 * A pair shares its prompt exactly: the conversation before the two replies. Chosen replies are
 * desired and consistent (and, unless `fromModel`, the scenario's rebuttal as inserted in the
 * rebuttal arm); rejected replies are undesired or deceptive. At the intervention point the arms
 * of one sample share their prefix, so the natural arm's undesired replies pair with the rebuttal.
 * Each rejected reply is paired once, with the group's chosen replies in turn.
 */
export async function exportPreference(
  store: RunStore,
  out: Writable,
  options: TrainingOptions = {},
): Promise<number> {
  const provenance = runProvenance(store, options);
  const groups = candidateGroups(store, options);
  const verdictSet = options.verdictSet ?? RUN_VERDICT_SET;
  const trials = new Map<string, TrialResult>();
  const load = (trialId: string): TrialResult => {
    let trial = trials.get(trialId);
    if (!trial) {
      trial = readTrial(store.database, trialId, verdictSet);
      if (!trial) throw new Error(`trial ${trialId} vanished from the run while it was exported`);
      trials.set(trialId, trial);
    }
    return trial;
  };
  let written = 0;
  for (const group of groups.values()) {
    if (group.chosen.length === 0) continue;
    for (const [position, rejectedRef] of group.rejected.entries()) {
      const chosenRef = group.chosen[position % group.chosen.length] as Candidate;
      const chosenTrial = load(chosenRef.trialId);
      const rejectedTrial = load(rejectedRef.trialId);
      const chosen = chosenTrial.turns[chosenRef.turnIndex] as TurnRecord;
      const rejected = rejectedTrial.turns[rejectedRef.turnIndex] as TurnRecord;
      const record = {
        prompt: chosenTrial.turns
          .slice(0, chosen.index)
          .map((turn) => ({ role: turn.role, content: turn.content })),
        chosen: [{ role: "assistant", content: chosen.content }],
        rejected: [{ role: "assistant", content: rejected.content }],
        metadata: {
          ...provenance,
          subject: chosenTrial.subject,
          scenario: chosenTrial.scenarioId,
          factors: chosenTrial.levels,
          followup: chosen.followup,
          chosen: turnProvenance(chosenTrial, chosen),
          rejected: turnProvenance(rejectedTrial, rejected),
        },
      };
      await writeChunk(out, `${JSON.stringify(record)}\n`);
      written += 1;
    }
    trials.clear();
  }
  return written;
}

/** First pass: every usable reply, grouped by the exact conversation that came before it. */
function candidateGroups(store: RunStore, options: TrainingOptions): Map<string, PrefixGroup> {
  const groups = new Map<string, PrefixGroup>();
  for (const { trial, labels } of selectedTrials(store, options)) {
    const prefix = createHash("sha256");
    for (const turn of trial.turns) {
      const kind = replyKind(trial, turn, labels, options);
      if (kind) {
        const key = `${trial.subject}\n${prefix.copy().digest("hex")}`;
        const group = groups.get(key) ?? { chosen: [], rejected: [] };
        group[kind].push({ trialId: trial.trialId, turnIndex: turn.index });
        groups.set(key, group);
      }
      prefix.update(`${turn.role}\u0000${turn.content}\u0000`);
    }
  }
  return groups;
}

function replyKind(
  trial: TrialResult,
  turn: TurnRecord,
  labels: Parameters<typeof isDesiredTurn>[1],
  options: TrainingOptions,
): keyof PrefixGroup | undefined {
  if (turn.role !== "assistant") return undefined;
  if (turn.source === "intervention")
    return !options.fromModel && trial.arm === "rebuttal" ? "chosen" : undefined;
  if (turn.source !== "generated") return undefined;
  if (isDesiredTurn(turn, labels, options)) return "chosen";
  return isRejectedTurn(turn, labels, options) ? "rejected" : undefined;
}
