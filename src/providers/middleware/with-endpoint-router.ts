import type { GenerateRequest, GenerateResult, LanguageModel } from "../../spec/language-model.ts";
import type { CallMonitor } from "../call-monitor.ts";
import { ProviderError } from "../provider-error.ts";
import { networkErrorCode } from "../sdk-failure.ts";
import type { AdaptiveConcurrency } from "./adaptive-concurrency.ts";
import { type Clock, SYSTEM_CLOCK } from "./clock.ts";
import type { RateGovernor } from "./rate-governor.ts";
import { estimateTokens } from "./with-rate-governor.ts";

/** One server of a model: its base URL and its own stack (governor, concurrency, provider). */
export interface RoutedEndpoint {
  url: string;
  model: LanguageModel;
  governor: RateGovernor;
  concurrency: AdaptiveConcurrency;
}

export interface RouterOptions {
  monitor?: CallMonitor | undefined;
  clock?: Clock;
  /** Connection failures, with no answer ever, after which an endpoint counts as dead. */
  unreachableAfter?: number;
  /** Failures in a row (5xx, timeouts, connections) that take one of several endpoints out. */
  failureStreakLimit?: number;
  /** How long an endpoint is out at first; doubles while its probes fail, up to `maxOutMs`. */
  outMs?: number;
  maxOutMs?: number;
}

const DEFAULTS = { unreachableAfter: 3, failureStreakLimit: 5, outMs: 5000, maxOutMs: 60_000 };

class EndpointState {
  answered = false;
  connectionFailures = 0;
  lastCause = "connection failed";
  failureStreak = 0;
  outUntil = 0;
  outMs: number;
  inFlight = 0;
  latencyMs: number | undefined;

  constructor(
    readonly endpoint: RoutedEndpoint,
    outMs: number,
  ) {
    this.outMs = outMs;
  }

  dead(unreachableAfter: number): boolean {
    return !this.answered && this.connectionFailures >= unreachableAfter;
  }
}

/**
 * Spreads a model's calls over its endpoints (one or many base URLs) and keeps their health. Each
 * call goes to the healthy endpoint with the least expected wait (measured latency times its queue
 * over its concurrency, plus its rate governor's wait; unmeasured endpoints are tried first). An
 * endpoint failing again and again is taken out for a while, then sent one probe call (half-open).
 * An endpoint that never answered and whose first connections all failed is dead; when every
 * endpoint is dead, calls fail at once with the non-retryable kind `unreachable`.
 */
export function withEndpointRouter(
  spec: string,
  endpoints: readonly RoutedEndpoint[],
  options: RouterOptions = {},
): LanguageModel {
  const settings = { ...DEFAULTS, ...options };
  const clock = options.clock ?? SYSTEM_CLOCK;
  const states = endpoints.map((endpoint) => new EndpointState(endpoint, settings.outMs));
  const router = new Router(spec, states, settings, clock, options.monitor);
  return {
    spec,
    simulated: endpoints.some((endpoint) => endpoint.model.simulated),
    generate: (request) => router.generate(request),
  };
}

class Router {
  constructor(
    private readonly spec: string,
    private readonly states: EndpointState[],
    private readonly settings: typeof DEFAULTS,
    private readonly clock: Clock,
    private readonly monitor: CallMonitor | undefined,
  ) {}

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const state = this.#choose(request);
    const { url, model } = state.endpoint;
    state.inFlight += 1;
    const started = this.clock.now();
    try {
      const result = await model.generate(request);
      this.#succeeded(state, this.clock.now() - started);
      this.monitor?.recordSuccess(this.spec, url, result.usage);
      return { ...result, metadata: { ...result.metadata, endpoint: url } };
    } catch (error) {
      throw this.#failed(state, error);
    } finally {
      state.inFlight -= 1;
    }
  }

  #choose(request: GenerateRequest): EndpointState {
    const now = this.clock.now();
    if (this.states.every((state) => state.dead(this.settings.unreachableAfter)))
      throw this.#unreachable();
    let candidates = this.states.filter((state) => state.outUntil <= now);
    if (candidates.length === 0) {
      // Everything is out: the endpoint back soonest gets the call rather than failing it.
      const soonest = Math.min(...this.states.map((state) => state.outUntil));
      candidates = this.states.filter((state) => state.outUntil === soonest);
    }
    const tokens = estimateTokens(request);
    const chosen = candidates.reduce((best, state) =>
      this.#expectedWait(state, tokens) < this.#expectedWait(best, tokens) ? state : best,
    );
    // A probe of an endpoint that was out: it stays out for the others until the probe answers.
    if (chosen.outUntil > 0) chosen.outUntil = now + chosen.outMs;
    this.monitor?.recordSent(this.spec, chosen.endpoint.url);
    return chosen;
  }

  #expectedWait(state: EndpointState, tokens: number): number {
    const latency = state.latencyMs ?? 0;
    const slots = Math.max(1, state.endpoint.concurrency.current);
    return (latency * (state.inFlight + 1)) / slots + state.endpoint.governor.expectedWait(tokens);
  }

  #succeeded(state: EndpointState, latencyMs: number): void {
    state.answered = true;
    state.failureStreak = 0;
    state.connectionFailures = 0;
    state.outUntil = 0;
    state.outMs = this.settings.outMs;
    state.latencyMs =
      state.latencyMs === undefined ? latencyMs : 0.8 * state.latencyMs + 0.2 * latencyMs;
  }

  #failed(state: EndpointState, error: unknown): unknown {
    const kind = error instanceof ProviderError ? error.kind : "other";
    this.monitor?.recordFailure(this.spec, state.endpoint.url, kind);
    if (!(error instanceof ProviderError)) return error;
    error.endpoint = state.endpoint.url;
    // Any HTTP reply, even an error, shows the server is there.
    if (error.status !== undefined) state.answered = true;
    if (kind === "connection" && !state.answered) {
      state.connectionFailures += 1;
      state.lastCause = networkErrorCode(error) ?? "connection failed";
    }
    const counts = kind === "server" || kind === "timeout" || kind === "connection";
    state.failureStreak = counts ? state.failureStreak + 1 : 0;
    if (this.states.every((each) => each.dead(this.settings.unreachableAfter)))
      return this.#unreachable(error);
    if (this.#shouldTakeOut(state)) this.#takeOut(state);
    return error;
  }

  #shouldTakeOut(state: EndpointState): boolean {
    if (state.dead(this.settings.unreachableAfter)) return true;
    return this.states.length > 1 && state.failureStreak >= this.settings.failureStreakLimit;
  }

  #takeOut(state: EndpointState): void {
    const now = this.clock.now();
    if (state.outUntil > now) {
      state.outMs = Math.min(this.settings.maxOutMs, state.outMs * 2);
    }
    state.outUntil = now + state.outMs;
    state.failureStreak = 0;
  }

  #unreachable(cause?: unknown): ProviderError {
    const attempts = this.settings.unreachableAfter;
    const where = this.states
      .map((state) => `${state.endpoint.url} (${state.lastCause})`)
      .join(", ");
    const message =
      this.states.length === 1
        ? `${this.spec}: cannot reach ${where} after ${attempts} attempts`
        : `${this.spec}: cannot reach any of its endpoints: ${where}, after ${attempts} attempts each`;
    return new ProviderError(message, { kind: "unreachable", cause });
  }
}
