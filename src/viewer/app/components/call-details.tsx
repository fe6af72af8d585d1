import { createContext, type JSX } from "preact";
import { useContext, useEffect, useState } from "preact/hooks";
import type { FailedAttempt } from "../../../spec/model-call.ts";
import type { TurnRecord } from "../../../spec/trial-record.ts";
import type { StoredCall } from "../../../store/call-records.ts";
import type { TrialCallsAnswer } from "../../api-types.ts";
import { apiPath, getJson, runPath } from "../api-client.ts";

/** Which trial the transcript shows, for the call details inside it. */
export interface CallSource {
  run: string;
  trial: string;
  judges: string | undefined;
  /** The trial's subject is simulated: its calls never went over a wire. */
  simulated: boolean;
}

export const CallSourceContext = createContext<CallSource | null>(null);

/** One request per trial and verdict set, shared by every call opened on the page. */
const answers = new Map<string, Promise<TrialCallsAnswer>>();
const ANSWERS_KEPT = 20;

function trialCalls(source: CallSource): Promise<TrialCallsAnswer> {
  const path = apiPath(
    `/api${runPath(source.run, `/trials/${encodeURIComponent(source.trial)}/calls`)}`,
    { judges: source.judges },
  );
  let answer = answers.get(path);
  if (!answer) {
    if (answers.size >= ANSWERS_KEPT) answers.clear();
    answer = getJson<TrialCallsAnswer>(path);
    answer.catch(() => answers.delete(path));
    answers.set(path, answer);
  }
  return answer;
}

type CallsState = { answer?: TrialCallsAnswer; error?: string };

/** The trial's calls, fetched the first time a details element opens. */
function useTrialCalls(open: boolean): CallsState {
  const source = useContext(CallSourceContext);
  const [state, setState] = useState<CallsState>({});
  useEffect(() => {
    if (!open || !source) return;
    let current = true;
    trialCalls(source).then(
      (answer) => current && setState({ answer }),
      (error: Error) => current && setState({ error: error.message }),
    );
    return () => {
      current = false;
    };
  }, [open, source?.run, source?.trial, source?.judges]);
  return state;
}

function Fetched({
  state,
  children,
}: {
  state: CallsState;
  children: (answer: TrialCallsAnswer) => JSX.Element;
}) {
  if (state.error) return <p class="error">Could not load the calls: {state.error}</p>;
  if (!state.answer) return <p class="muted">Loading…</p>;
  if (!state.answer.recorded) return <NotRecorded />;
  return children(state.answer);
}

function NotRecorded() {
  return (
    <p class="muted not-recorded">
      Requests, raw replies and attempts were not recorded in this run (it was made before candor
      kept them).
    </p>
  );
}

/** A generated or pressurer turn's call: what was sent, what came back, how it went. */
export function TurnCallDetails({ turn }: { turn: TurnRecord }) {
  const [open, setOpen] = useState(false);
  const state = useTrialCalls(open);
  const source = useContext(CallSourceContext);
  return (
    <details
      class="call-details"
      onToggle={(event) => setOpen((event.currentTarget as HTMLDetailsElement).open)}
    >
      <summary>Call details{turn.response ? `: ${responseSummary(turn.response)}` : ""}</summary>
      {turn.response ? <ResponseFacts response={turn.response} /> : null}
      {turn.response?.nativeReasoning ? (
        <div class="call-part native-reasoning">
          <h5>
            Native reasoning returned by the provider ({turn.response.nativeReasoning.visibility})
          </h5>
          <pre class="call-text">{turn.response.nativeReasoning.text || "(no text)"}</pre>
        </div>
      ) : null}
      {open ? (
        <Fetched state={state}>
          {(answer) => {
            const call = answer.calls.find(
              (each) => each.turnIndex === turn.index && each.verdictSet === null,
            );
            if (!call) return <NotRecorded />;
            const simulated = source?.simulated === true && call.caller === "subject";
            return <CallBody call={call} reply={turn.content} simulated={simulated} />;
          }}
        </Fetched>
      ) : null}
    </details>
  );
}

/** Each model judge's prompt and raw reply on one turn, in the transcript's verdict set. */
export function JudgeCallDetails({ turn }: { turn: TurnRecord }) {
  const [open, setOpen] = useState(false);
  const state = useTrialCalls(open);
  return (
    <details
      class="call-details judge-calls"
      onToggle={(event) => setOpen((event.currentTarget as HTMLDetailsElement).open)}
    >
      <summary>Judges' prompts and raw replies</summary>
      {open ? (
        <Fetched state={state}>
          {(answer) => {
            const calls = answer.calls.filter(
              (each) => each.turnIndex === turn.index && each.verdictSet !== null,
            );
            if (calls.length === 0)
              return (
                <p class="muted">
                  No model judge was called on this turn in this verdict set (checks and the
                  heuristic judge read the text without a model).
                </p>
              );
            return (
              <ol class="judge-call-list">
                {calls.map((call) => (
                  <li key={`${call.caller} ${call.position}`} class="judge-call">
                    <h5>
                      {call.caller.replace(/^judge:/, "")}
                      {call.position > 0 ? `, repair attempt ${call.position}` : ""}
                    </h5>
                    {call.response ? <ResponseFacts response={call.response} /> : null}
                    <CallBody call={call} reply={call.reply ?? ""} simulated={false} />
                  </li>
                ))}
              </ol>
            );
          }}
        </Fetched>
      ) : null}
    </details>
  );
}

type Response = NonNullable<TurnRecord["response"]>;

function responseSummary(response: Response): string {
  const cached = response.metadata?.cached === true ? ", cache hit" : "";
  return `${response.latencyMs} ms, ${response.usage.inputTokens} in / ${response.usage.outputTokens} out tokens${cached}`;
}

function ResponseFacts({ response }: { response: Response }) {
  const metadata = response.metadata ?? {};
  const endpoint = typeof metadata.endpoint === "string" ? metadata.endpoint : undefined;
  return (
    <dl class="facts call-facts">
      <dt>Model</dt>
      <dd>{response.modelId}</dd>
      <dt>Endpoint</dt>
      <dd>{endpoint ?? "none (not sent over HTTP, or sent before endpoints were recorded)"}</dd>
      <dt>Latency</dt>
      <dd>{response.latencyMs} ms</dd>
      <dt>Usage</dt>
      <dd>
        {response.usage.inputTokens} input tokens, {response.usage.outputTokens} output tokens
      </dd>
      <dt>Finish reason</dt>
      <dd>{response.finishReason}</dd>
      {response.fingerprint ? (
        <>
          <dt>Fingerprint</dt>
          <dd>{response.fingerprint}</dd>
        </>
      ) : null}
      <dt>Cache</dt>
      <dd>
        {metadata.cached === true
          ? "hit: served from the response cache, no call was made"
          : "miss: the call was made"}
      </dd>
    </dl>
  );
}

function CallBody({
  call,
  reply,
  simulated,
}: {
  call: StoredCall;
  reply: string;
  simulated: boolean;
}) {
  return (
    <div class="call-body">
      <Attempts failed={call.failedAttempts} />
      <div class="call-part">
        <h5>Settings</h5>
        <p class="call-settings">{settingsText(call)}</p>
      </div>
      <div class="call-part">
        <h5>Messages sent ({call.messages.length})</h5>
        <ol class="call-messages">
          {call.messages.map((message, index) => (
            <li key={index} class={`call-message role-${message.role}`}>
              <strong>{message.role}</strong>
              <pre class="call-text">{message.content}</pre>
            </li>
          ))}
        </ol>
      </div>
      <div class="call-part">
        <h5>Raw reply</h5>
        {call.exchange ? (
          <pre class="call-text raw-response">
            {JSON.stringify(call.exchange.response, null, 2)}
          </pre>
        ) : (
          <>
            <p class="muted">
              {simulated
                ? "Simulated subject: there was no wire response. Its reply is the turn's text:"
                : "No wire exchange was recorded (a simulated or local model, or a cache entry made before bodies were kept). The reply's text:"}
            </p>
            <pre class="call-text raw-response">{reply}</pre>
          </>
        )}
      </div>
      {call.exchange ? (
        <div class="call-part">
          <h5>Request body sent</h5>
          <pre class="call-text raw-request">{JSON.stringify(call.exchange.request, null, 2)}</pre>
        </div>
      ) : null}
    </div>
  );
}

function Attempts({ failed }: { failed: FailedAttempt[] }) {
  return (
    <div class="call-part call-attempts">
      <h5>
        Attempts: {failed.length + 1}
        {failed.length > 0 ? ` (${failed.length} failed first)` : ""}
      </h5>
      {failed.length > 0 ? (
        <ol class="failed-attempts">
          {failed.map((attempt, index) => (
            <li key={index}>
              {attempt.status === undefined
                ? attempt.kind
                : `HTTP ${attempt.status} ${attempt.kind}`}
              {attempt.endpoint ? ` at ${attempt.endpoint}` : ""}: {attempt.error}; waited{" "}
              {attempt.waitMs} ms before the next attempt
            </li>
          ))}
        </ol>
      ) : null}
    </div>
  );
}

/** The settings the caller asked for, plus the provider-specific ones found in the body sent. */
function settingsText(call: StoredCall): string {
  const { settings } = call;
  const parts = [
    `temperature ${settings.temperature}`,
    `top_p ${settings.top_p}`,
    `max_tokens ${settings.max_tokens}`,
    `seed ${settings.seed}`,
    `sample index ${settings.sample_index}`,
  ];
  if (settings.structured_output) parts.push(`structured output "${settings.structured_output}"`);
  const body = call.exchange?.request;
  if (typeof body === "object" && body !== null) {
    const sent = body as Record<string, unknown>;
    if (sent.reasoning_effort !== undefined)
      parts.push(`reasoning_effort ${String(sent.reasoning_effort)}`);
    if (typeof sent.thinking === "object" && sent.thinking !== null)
      parts.push(`thinking ${JSON.stringify(sent.thinking)}`);
  }
  return parts.join(", ");
}
