/**
 * Provider benchmarks against the local OpenAI-style stub: (a) throughput under a requests-per-
 * minute limit, against the ideal that limit allows; (b) candor's overhead per call at zero latency.
 */
import OpenAI from "openai";
import { defaultModelEnvironment } from "../src/providers/create-language-model.ts";
import { createParticipants } from "../src/runner/create-participants.ts";
import { runExperiment } from "../src/runner/run-experiment.ts";
import { applyOverrides } from "../src/spec/apply-overrides.ts";
import { loadExperiment } from "../src/spec/load-experiment.ts";
import { temporaryDirectory } from "../test/run-fixture.ts";
import { startOpenAIStub } from "../test/stubs/openai-stub-server.ts";
import { PAPER_EXPERIMENT } from "./paths.ts";

const REPLY =
  'Reasoning: """I should be honest."""\n\nResponse: I need to tell you about the repair.';

/** Runs the paper experiment on a stub-served subject with the heuristic judge; returns seconds and calls. */
async function runAgainstStub(baseURL: string, samples: number, concurrency: number) {
  const experiment = applyOverrides(loadExperiment(PAPER_EXPERIMENT), {
    samples,
    subjects: ["openai-compatible:bench"],
    judges: ["heuristic"],
  });
  const environment = defaultModelEnvironment({
    settings: { "openai-compatible:bench": { base_url: baseURL, max_concurrency: 64 } },
  });
  const participants = createParticipants(experiment, {}, environment);
  const started = performance.now();
  const summary = await runExperiment(experiment, participants, {
    runsDir: temporaryDirectory("candor-bench-"),
    concurrency,
  });
  return { seconds: (performance.now() - started) / 1000, summary };
}

export async function rateLimitedThroughput(line: (text: string) => void): Promise<void> {
  const perMinute = 600;
  let answered = 0;
  const script = () => {
    answered += 1;
    return { type: "reply" as const, content: REPLY };
  };
  const stub = await startOpenAIStub({ latencyMs: 200, requestsPerMinute: perMinute, script });
  try {
    const { seconds, summary } = await runAgainstStub(stub.baseURL, 16, 64);
    const rejected = stub.requests.length - answered;
    // With a 60 s sliding window the best possible schedule sends a full window at once, waits for
    // it to slide, and so on: the last window starts at floor((n - 1) / limit) minutes.
    const ideal = Math.floor((answered - 1) / perMinute) * 60 + 0.2;
    line(
      `(a) rate-limited stub (200 ms latency, ${perMinute} requests/min): ${answered} calls answered (+${rejected} rejected with 429) in ${seconds.toFixed(1)} s; ` +
        `limit-bound ideal ${ideal.toFixed(1)} s = ${((100 * ideal) / seconds).toFixed(0)}% of ideal; trials ${summary.counts.complete} complete, ${summary.counts.error} error`,
    );
  } finally {
    await stub.close();
  }
}

export async function harnessOverhead(line: (text: string) => void): Promise<void> {
  const stub = await startOpenAIStub({ script: () => ({ type: "reply", content: REPLY }) });
  try {
    const client = new OpenAI({ apiKey: "none", baseURL: stub.baseURL, maxRetries: 0 });
    const direct = 1000;
    const startedDirect = performance.now();
    for (let index = 0; index < direct; index++) {
      await client.chat.completions.create({
        model: "bench",
        messages: [{ role: "user", content: `hello ${index}` }],
      });
    }
    const directPerCall = (performance.now() - startedDirect) / direct;
    const before = stub.requests.length;
    const { seconds } = await runAgainstStub(stub.baseURL, 8, 1);
    const calls = stub.requests.length - before;
    const candorPerCall = (seconds * 1000) / calls;
    line(
      `(b) zero-latency stub, one call at a time: raw SDK ${directPerCall.toFixed(2)} ms/call; candor ${candorPerCall.toFixed(2)} ms/call over ${calls} calls ` +
        `= ${(candorPerCall - directPerCall).toFixed(2)} ms of harness per call (retries, limiter, parsing, heuristic judge, store writes)`,
    );
  } finally {
    await stub.close();
  }
}
