import type { SampleArmsAnswer } from "../../api-types.ts";
import { apiPath, runPath, useApi } from "../api-client.ts";

/** A trial's transcript, keeping the verdict set chosen. */
export function transcriptHref(run: string, trialId: string, judges: string | undefined): string {
  return apiPath(runPath(run, `/trials/${encodeURIComponent(trialId)}`), { judges });
}

/** Two arms of a trial's sample side by side; with no arm named, the page picks two. */
export function armsHref(
  run: string,
  trialId: string,
  query: { left?: string; right?: string; judges?: string | undefined },
): string {
  return apiPath(runPath(run, `/trials/${encodeURIComponent(trialId)}/arms`), query);
}

/** The other arms of the trial's sample, one link each, the trial's own arm marked. */
export function ArmLinks({
  run,
  trialId,
  judges,
}: {
  run: string;
  trialId: string;
  judges: string | undefined;
}) {
  const state = useApi<SampleArmsAnswer>(
    `/api${runPath(run, `/trials/${encodeURIComponent(trialId)}/arms`)}`,
  );
  const arms = state.data?.arms;
  if (!arms) return null;
  const finished = arms.filter((arm) => arm.status !== "pending");
  return (
    <nav class="arm-links" aria-label="Arms of this sample">
      <span class="muted">Arms of this sample:</span>
      {arms.map((arm) =>
        arm.trialId === trialId ? (
          <strong key={arm.arm} class="arm-current" aria-current="page" data-arm={arm.arm}>
            {arm.arm} (this trial)
          </strong>
        ) : arm.status === "pending" ? (
          <span key={arm.arm} class="muted" data-arm={arm.arm}>
            {arm.arm} (not run yet)
          </span>
        ) : (
          <a key={arm.arm} href={transcriptHref(run, arm.trialId, judges)} data-arm={arm.arm}>
            {arm.arm}
          </a>
        ),
      )}
      {finished.length >= 2 ? (
        <a class="arms-side-by-side" href={armsHref(run, trialId, { judges })}>
          Two arms side by side
        </a>
      ) : null}
    </nav>
  );
}
