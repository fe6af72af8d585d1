/**
 * The floor under candor's per-call CPU: the official OpenAI SDK, on candor's HTTP transport,
 * making the side-by-side's call N times (16 at once) against the stub at `baseURL`, and nothing
 * else. Run as a child process by bench/promptfoo-comparison.ts so that the stub's own CPU is not
 * counted; prints the CPU per call in milliseconds.
 */
import OpenAI from "openai";
import { nodeHttpFetch } from "../src/providers/http/node-http-fetch.ts";

const [baseURL = "", callsText = "1000", systemPrompt = ""] = process.argv.slice(2);
const calls = Number(callsText);
const client = new OpenAI({
  apiKey: "sk-bench",
  baseURL,
  maxRetries: 0,
  logLevel: "off",
  fetch: nodeHttpFetch,
});
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

await client.chat.completions.create(body);
const started = process.cpuUsage();
let next = 0;
const worker = async () => {
  while (next++ < calls) await client.chat.completions.create(body).withResponse();
};
await Promise.all(Array.from({ length: 16 }, worker));
const used = process.cpuUsage(started);
process.stdout.write(`${(used.user + used.system) / 1000 / calls}\n`);
