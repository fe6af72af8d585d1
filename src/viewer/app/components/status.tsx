import type { ComponentChildren } from "preact";
import { SIMULATED_NOTICE } from "../../../report/report-sections.ts";
import type { ApiState } from "../api-client.ts";

/** Shows the loading or error state of a request, or its content once there. */
export function Loaded<Answer>({
  state,
  children,
}: {
  state: ApiState<Answer>;
  children: (data: Answer) => ComponentChildren;
}) {
  if (state.error)
    return (
      <p class="error" role="alert">
        {state.error}
      </p>
    );
  if (!state.data) return <p class="loading">Loading…</p>;
  return <>{children(state.data)}</>;
}

export function SimulatedBanner({ simulated }: { simulated: boolean }) {
  return simulated ? (
    <p class="simulated" role="note">
      {SIMULATED_NOTICE}
    </p>
  ) : null;
}

export function Badge({ kind, children }: { kind: string; children?: ComponentChildren }) {
  return <span class={`badge badge-${kind}`}>{children}</span>;
}
