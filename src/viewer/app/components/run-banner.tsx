import { describeRunCompletion, type RunCompletion } from "../../../report/run-completion.ts";
import type { RunProgressSnapshot } from "../../../store/run-progress.ts";
import type { RunSummary } from "../../api-types.ts";
import type { ApiState } from "../api-client.ts";
import { useRefreshWhenIdle } from "../use-refresh-when-idle.ts";
import { useRunLive } from "../use-run-live.ts";
import { Badge } from "./status.tsx";
import { TableHead } from "./table-head.tsx";

/** Nothing to fetch again: a page that shows only what a run never changes. */
const NOTHING = { reload() {}, loading: false };

/**
 * A run that is not complete says so at the top of its pages: in progress (with the session's
 * figures, updated as it runs), stopped and why, unfinished, or trials in error, and the command
 * that finishes it. When the run is written to, `refresh` (the page's answer) is fetched again,
 * never while a fetch of it is under way.
 */
export function RunBanner({
  run,
  refresh = NOTHING,
}: {
  run: string;
  refresh?: Pick<ApiState<unknown>, "reload" | "loading">;
}) {
  const live = useRunLive(run, useRefreshWhenIdle(refresh));
  if (!live) return null;
  const completion = describeRunCompletion(live);
  if (!completion) return null;
  return (
    <section
      class={`run-banner run-banner-${completion.state}`}
      role="status"
      aria-live="polite"
      data-state={completion.state}
    >
      <p>
        <strong>{completion.headline}.</strong> {completion.detail}
      </p>
      {completion.command ? (
        <p>
          Finish it with: <code class="command">{completion.command}</code>
        </p>
      ) : null}
      {live.writing ? (
        <p class="muted small">This page updates as trials finish; no reload needed.</p>
      ) : null}
      {live.progress ? <SessionProgress progress={live.progress} /> : null}
    </section>
  );
}

/** The running session's figures: its trials, spend, and each endpoint's calls (counts only). */
function SessionProgress({ progress }: { progress: RunProgressSnapshot }) {
  const { session } = progress;
  return (
    <div class="session-progress">
      <p class="small">
        This session: {session.done} of {session.total} trials done ({session.errors} in error), $
        {progress.costUsd.toFixed(4)} spent
        {progress.unpricedModels?.length
          ? ` plus unknown amounts for ${progress.unpricedModels.join(", ")}`
          : ""}
        ; figures of {new Date(progress.updatedAt).toLocaleTimeString()}.
      </p>
      {progress.endpoints.length > 0 ? (
        <table class="endpoints">
          <TableHead
            columns={[
              "Model",
              "Endpoint",
              "Requests",
              "Succeeded",
              "429s",
              "Retries",
              "Failed",
              "In flight",
            ]}
          />
          <tbody>
            {progress.endpoints.map((endpoint) => (
              <tr key={`${endpoint.spec} ${endpoint.endpoint}`}>
                <td>{endpoint.spec}</td>
                <td>{endpoint.endpoint}</td>
                <td>{endpoint.requestsSent}</td>
                <td>{endpoint.successes}</td>
                <td>{endpoint.rateLimited}</td>
                <td>{endpoint.retries}</td>
                <td>{endpoint.failures}</td>
                <td>{endpoint.inFlight}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

const STATE_WORDS: Record<RunCompletion["state"], string> = {
  "in-progress": "in progress",
  stopped: "stopped",
  unfinished: "unfinished",
  errors: "errors",
};

/** The runs list's mark for a run that is not complete; nothing for a complete one. */
export function RunStateBadge({ run, writing }: { run: RunSummary; writing: boolean }) {
  const completion = describeRunCompletion({
    status: run.status,
    stop: run.stop ?? null,
    writing,
    directory: run.runId,
  });
  if (!completion) return null;
  return (
    <span title={completion.headline} data-state={completion.state}>
      <Badge kind={`run-${completion.state}`}>{STATE_WORDS[completion.state]}</Badge>
    </span>
  );
}
