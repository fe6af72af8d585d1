/**
 * The floors under candor's per-call CPU: the official OpenAI SDK on candor's HTTP transport
 * (`sdk`), or the same request as a bare `node:http` call on a keep-alive agent, its reply read
 * whole and parsed (`http`), made N times (16 at once) against the stub at `baseURL`, and nothing
 * else. Run as a child process by bench/promptfoo-comparison.ts so that the stub's own CPU is not
 * counted; prints the CPU per call in milliseconds.
 */
import { Agent, request } from "node:http";
import OpenAI from "openai";
import { nodeHttpFetch } from "../src/providers/http/node-http-fetch.ts";

const [mode = "sdk", baseURL = "", callsText = "1000", systemPrompt = ""] = process.argv.slice(2);
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
await call();
const started = process.cpuUsage();
let next = 0;
const worker = async () => {
  while (next++ < calls) await call();
};
await Promise.all(Array.from({ length: 16 }, worker));
const used = process.cpuUsage(started);
process.stdout.write(`${(used.user + used.system) / 1000 / calls}\n`);

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
