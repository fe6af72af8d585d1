import type { Participants } from "../runner/create-participants.ts";
import { trialCount } from "../spec/count-trials.ts";
import type { LoadedExperiment } from "../spec/load-experiment.ts";
import type { RunStore } from "../store/run-store.ts";
import type { ProgressPlan } from "./progress-printer.ts";

/** A new run: every subject plays the same plan, so each has an equal share and none done. */
export function newRunProgressPlan(
  experiment: LoadedExperiment,
  participants: Participants,
): ProgressPlan {
  const subjects = experiment.spec.subjects;
  const total = trialCount(experiment) / subjects.length;
  return {
    subjects: subjects.map((subject) => ({ subject, total, done: 0, errors: 0 })),
    ...sharedParts(participants),
  };
}

/** A resumed run counts from what is finished; errored trials count as done unless retried. */
export function resumedProgressPlan(
  store: RunStore,
  participants: Participants,
  retryErrors: boolean,
): ProgressPlan {
  const subjects = [...store.statusCountsBySubject()].map(([subject, counts]) => ({
    subject,
    total: counts.pending + counts.complete + counts.error,
    done: counts.complete + (retryErrors ? 0 : counts.error),
    errors: retryErrors ? 0 : counts.error,
  }));
  return { subjects, ...sharedParts(participants) };
}

function sharedParts(participants: Participants): Omit<ProgressPlan, "subjects"> {
  return {
    prices: participants.prices,
    pressurer: participants.pressurer?.spec,
    calls: participants.calls,
  };
}
