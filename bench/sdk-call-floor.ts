/**
 * The floors under candor's per-call CPU: the official OpenAI SDK on candor's HTTP transport
 * (`sdk`), or the same request as a bare `node:http` call on a keep-alive agent, its reply read
 * whole and parsed (`http`), made N times (16 at once) against the stub at `baseURL`, and nothing
 * else. Run as a child process by bench/promptfoo-comparison.ts so that the stub's own CPU is not
 * counted; prints the CPU per call in milliseconds over the calls after the first `warmCalls`
 * (as the tools' margin is measured between a smaller and a larger run).
 */
import { Agent, request } from "node:http";
import OpenAI from "openai";
import { nodeHttpFetch } from "../src/providers/http/node-http-fetch.ts";

const [mode = "sdk", baseURL = "", warmText = "1000", callsText = "3000", systemPrompt = ""] =
  process.argv.slice(2);
const warmCalls = Number(warmText);
const calls = Number(callsText);
const body = {
  model: "stub-model",
  messages: [
    { role: "system" as const, content: systemPrompt },
    { role: "user" as const, content: "the request" },
    { role: "assistant" as const, content: "a refusal" },
    { role: "user" as const, content: "the follow-up" },
  ],
  temperature: 0.9,
  max_tokens: 200,
};

const call = mode === "http" ? bareHttpCall() : sdkCall();
await callsAtOnce(warmCalls);
const started = process.cpuUsage();
await callsAtOnce(calls - warmCalls);
const used = process.cpuUsage(started);
process.stdout.write(`${(used.user + used.system) / 1000 / (calls - warmCalls)}\n`);

/** `count` calls, 16 in flight. */
async function callsAtOnce(count: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next++ < count) await call();
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

function sdkCall(): () => Promise<unknown> {
  const client = new OpenAI({
    apiKey: "sk-bench",
    baseURL,
    maxRetries: 0,
    logLevel: "off",
    fetch: nodeHttpFetch,
  });
  return () => client.chat.completions.create(body).withResponse();
}

function bareHttpCall(): () => Promise<unknown> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const url = new URL(`${baseURL}/chat/completions`);
  return () =>
    new Promise((resolve, reject) => {
      const text = JSON.stringify(body);
      const outgoing = request(url, {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          authorization: "Bearer sk-bench",
          "content-length": Buffer.byteLength(text),
        },
      });
      outgoing.once("error", reject);
      outgoing.once("response", (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
        incoming.once("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString("utf8"))));
      });
      outgoing.end(text);
    });
}
