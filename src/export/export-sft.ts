import type { Writable } from "node:stream";
import type { TrialResult, TurnRecord } from "../spec/trial-record.ts";
import type { StoredHumanLabel } from "../store/human-labels.ts";
import type { RunStore } from "../store/run-store.ts";
import {
  isDesiredTurn,
  runProvenance,
  selectedTrials,
  type TrainingOptions,
  turnProvenance,
} from "./training-selection.ts";
import { trialIdentityFields } from "./trial-export-record.ts";
import { writeChunk } from "./write-chunk.ts";

/** A message of OpenAI's chat fine-tuning format; `weight: 0` keeps an assistant turn as context only. */
interface FineTuningMessage {
  role: "system" | "user" | "assistant";
  content: string;
  weight?: 0 | 1;
}

/**
 * OpenAI chat fine-tuning JSONL, one conversation per line: `{"messages": [...], "metadata": {...}}`.
 * Per trial, the conversation up to the intervention point with the scenario's rebuttal as the
 * trained assistant turn (rebuttal-arm trials, whose follow-ups were written after it), or with
 * `fromModel` the model's own desired and consistent turns, then each follow-up for as long as the
 * model's reply was desired and consistent. Only target turns have weight 1; the line ends at the
 * last of them. Returns how many lines were written.
 */
export async function exportSft(
  store: RunStore,
  out: Writable,
  options: TrainingOptions = {},
): Promise<number> {
  const provenance = runProvenance(store, options);
  let written = 0;
  for (const { trial, labels } of selectedTrials(store, options)) {
    const conversation = trainingConversation(trial, labels, options);
    if (!conversation) continue;
    const record = {
      messages: conversation.messages,
      metadata: {
        ...provenance,
        ...trialIdentityFields(trial),
        targets: conversation.targets.map((turn) => turnProvenance(trial, turn)),
      },
    };
    await writeChunk(out, `${JSON.stringify(record)}\n`);
    written += 1;
  }
  return written;
}

/** The trial's conversation cut after its last target turn, or undefined when it has none. */
function trainingConversation(
  trial: TrialResult,
  labels: readonly StoredHumanLabel[],
  options: TrainingOptions,
): { messages: FineTuningMessage[]; targets: TurnRecord[] } | undefined {
  const intervention = trial.turns.find((turn) => turn.stepId === "intervention");
  if (!intervention) return undefined;
  const scenarioTarget = !options.fromModel && trial.arm === "rebuttal";
  if (!options.fromModel && !scenarioTarget) return undefined;
  const messages: FineTuningMessage[] = [];
  const targets: TurnRecord[] = [];
  let end = 0;
  for (const turn of trial.turns) {
    const isTarget =
      turn.index === intervention.index && intervention.source === "intervention"
        ? scenarioTarget
        : turn.source === "generated" && isDesiredTurn(turn, labels, options);
    // From the intervention on, a model reply that is not a target ends the conversation.
    if (turn.index >= intervention.index && turn.source === "generated" && !isTarget) break;
    messages.push(fineTuningMessage(turn, isTarget));
    if (isTarget) {
      targets.push(turn);
      end = messages.length;
    }
  }
  return targets.length > 0 ? { messages: messages.slice(0, end), targets } : undefined;
}

function fineTuningMessage(turn: TurnRecord, isTarget: boolean): FineTuningMessage {
  if (turn.role !== "assistant") return { role: turn.role, content: turn.content };
  return { role: "assistant", content: turn.content, weight: isTarget ? 1 : 0 };
}
