import { describe, expect, it } from "vitest";
import { describeErrorGroups, groupErrorReasons, normalizeErrorReason } from "./error-groups.ts";

describe("error groups", () => {
  it("takes out request ids, message ids, query strings and waits, keeping what says why", () => {
    expect(
      normalizeErrorReason(
        "anthropic:claude-3-5-haiku-20241022: HTTP 529 server (overloaded_error): Overloaded [request req_011CZx9v8WqTbJQ5tLh2Ga7K]",
      ),
    ).toBe("anthropic:claude-3-5-haiku-20241022: HTTP 529 server (overloaded_error): Overloaded");
    expect(
      normalizeErrorReason(
        "openai:gpt-4o: HTTP 429 rate_limit: Please try again in 1.732s. See https://x.test/limits?org=abc123&k=9 for msg_01XFDUDYJgAACzvnptvVoYEL",
      ),
    ).toBe(
      "openai:gpt-4o: HTTP 429 rate_limit: Please try again in Ns. See https://x.test/limits for msg_…",
    );
    expect(
      normalizeErrorReason(
        "openai-compatible:m: connection failed (fetch failed: connect ECONNREFUSED 127.0.0.1:59999)",
      ),
    ).toBe(
      "openai-compatible:m: connection failed (fetch failed: connect ECONNREFUSED 127.0.0.1:59999)",
    );
  });

  it("merges reasons that differ only in what varies, most frequent first", () => {
    const groups = groupErrorReasons([
      { reason: "m: HTTP 500 server [request req_1]", count: 1 },
      { reason: "m: context too long", count: 2 },
      { reason: "m: HTTP 500 server [request req_2]", count: 2 },
    ]);
    expect(groups).toEqual([
      { reason: "m: HTTP 500 server", count: 3 },
      { reason: "m: context too long", count: 2 },
    ]);
    expect(describeErrorGroups(groups, 1)).toBe("3 × m: HTTP 500 server; 2 × other reasons");
  });
});
