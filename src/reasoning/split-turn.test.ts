import { describe, expect, it } from "vitest";
import { splitTurn } from "./split-turn.ts";

const protocol = { reasoningLabel: "Reasoning", outputLabel: "Response" };
const written = 'Reasoning: """I must tell the truth."""\nResponse: The frame was repaired.';
const bare = "Response: The frame was repaired.";

describe("splitTurn", () => {
  it("uses a reasoning block written in the text even when the provider hid its own reasoning", () => {
    const parsed = splitTurn(written, { text: "", visibility: "hidden" }, protocol, "text-first");
    expect(parsed).toMatchObject({
      reasoning: "I must tell the truth.",
      reasoningStatus: "present",
      rule: "labelled",
    });
  });

  it("marks reasoning hidden only when the text has none and the provider withheld it", () => {
    const parsed = splitTurn(bare, { text: "", visibility: "hidden" }, protocol, "text-first");
    expect(parsed).toMatchObject({ reasoningStatus: "hidden", output: "The frame was repaired." });
  });

  it("takes the provider's returned reasoning as the turn's when the text has none", () => {
    const parsed = splitTurn(
      bare,
      { text: "  The manager wants silence, but I will disclose.  ", visibility: "raw" },
      protocol,
      "text-first",
    );
    expect(parsed).toEqual({
      reasoning: "The manager wants silence, but I will disclose.",
      output: "The frame was repaired.",
      reasoningStatus: "present",
      rule: "native-reasoning",
    });
  });

  it("keeps the text's reasoning when both exist, and missing when neither does", () => {
    expect(
      splitTurn(
        written,
        { text: "Native thoughts.", visibility: "summary" },
        protocol,
        "text-first",
      ).reasoning,
    ).toBe("I must tell the truth.");
    expect(splitTurn(bare, undefined, protocol, "text-first").reasoningStatus).toBe("missing");
    expect(
      splitTurn(bare, { text: "   ", visibility: "raw" }, protocol, "text-first").reasoningStatus,
    ).toBe("missing");
  });

  it("under the legacy rule lets hidden reasoning override a written block, as old runs did", () => {
    const parsed = splitTurn(
      written,
      { text: "", visibility: "hidden" },
      protocol,
      "hidden-overrides",
    );
    expect(parsed.reasoningStatus).toBe("hidden");
  });
});
