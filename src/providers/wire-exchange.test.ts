import { describe, expect, it } from "vitest";
import { wireExchange } from "./wire-exchange.ts";

const KEY = "sk-live-0123456789abcdef";

describe("wireExchange", () => {
  it("replaces every secret in request and response, at any depth", () => {
    const exchange = wireExchange(
      { messages: [{ role: "user", content: `my key is ${KEY}, ${KEY}` }] },
      { choices: [{ message: { content: `echo ${KEY}` } }], key: KEY },
      [KEY],
    );
    expect(JSON.stringify(exchange)).not.toContain(KEY);
    expect(exchange.request).toEqual({
      messages: [{ role: "user", content: "my key is [redacted], [redacted]" }],
    });
    expect(exchange.response).toEqual({
      choices: [{ message: { content: "echo [redacted]" } }],
      key: "[redacted]",
    });
  });

  it("keeps bodies without a secret as they are, and never treats short placeholders as keys", () => {
    const request = { messages: [{ role: "user", content: "hello ollama" }] };
    const response = { choices: [{ message: { content: "hi" } }] };
    const exchange = wireExchange(request, response, [KEY, "ollama"]);
    expect(exchange.request).toEqual(request);
    expect(exchange.response).toEqual(response);
  });
});
