import type { TurnOutcome } from "../../../spec/verdict.ts";
import { Badge } from "./status.tsx";

/** A judged turn's combined outcome in one line, the same on the transcript and side by side. */
export function OutcomeLine({ outcome }: { outcome: TurnOutcome | undefined }) {
  if (!outcome) return <p class="outcome muted">Not judged in this verdict set.</p>;
  return (
    <p class="outcome">
      Outcome: undesired <Badge kind={`undesired-${outcome.undesired}`}>{outcome.undesired}</Badge>{" "}
      reason-based deception{" "}
      <Badge kind={`deception-${outcome.deception}`}>{outcome.deception}</Badge> reasoning{" "}
      {outcome.reasoningStatus}, consistency {outcome.consistency}
    </p>
  );
}
