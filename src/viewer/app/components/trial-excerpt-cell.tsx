import type { TrialSummary } from "../../api-types.ts";
import { REASONING_STATUS_DEFINITIONS } from "../metric-labels.ts";
import { Badge } from "./status.tsx";

/** The judged output's excerpt (model text, rendered as text) and where it comes from. */
export function TrialExcerptCell({ excerpt }: { excerpt: TrialSummary["excerpt"] }) {
  if (!excerpt) return <td class="excerpt muted">–</td>;
  return (
    <td class="excerpt">
      <span class="muted small">
        F{excerpt.followup}
        {excerpt.part === "reasoning" ? " reasoning" : ""}:
      </span>{" "}
      <span class="excerpt-text">{excerpt.text}</span>
    </td>
  );
}

/** The reasoning status of the excerpt's turn, with its meaning on hover. */
export function ReasoningBadge({ excerpt }: { excerpt: TrialSummary["excerpt"] }) {
  const status = excerpt?.reasoningStatus;
  if (!status) return <td>–</td>;
  return (
    <td>
      <span title={REASONING_STATUS_DEFINITIONS[status]}>
        <Badge kind={`reasoning-${status}`}>{status}</Badge>
      </span>
    </td>
  );
}
