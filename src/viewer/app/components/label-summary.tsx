import type { QueueProgress, SessionTally } from "../../../store/label-session.ts";
import { summaryRows } from "../../../store/label-session.ts";

/** What this session did and what is left: the same counts `candor label` prints on quitting. */
export function LabelSummary({
  labeller,
  progress,
  tally,
}: {
  labeller: string;
  progress: QueueProgress;
  tally: SessionTally;
}) {
  return (
    <section class="label-summary" aria-label="Session summary">
      <h2>Session summary ({labeller})</h2>
      <dl>
        {summaryRows(progress, tally).map(([what, value]) => (
          <div key={what} data-row={what}>
            <dt>{what}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <p class="muted small">
        Every label is stored as it is given: come back to this page (or run{" "}
        <code>candor label RUN --labeller {labeller}</code>) with the same name to go on.
      </p>
    </section>
  );
}
