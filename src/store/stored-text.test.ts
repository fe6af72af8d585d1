import { describe, expect, it } from "vitest";
import { TextDecoding, TextEncoding, textIdsOfJson, textIdsOfText } from "./stored-text.ts";

function texts() {
  const bodies: string[] = [];
  const textId = (body: string) => {
    const known = bodies.indexOf(body);
    return known >= 0 ? known : bodies.push(body) - 1;
  };
  return { bodies, textId, decoding: new TextDecoding((id) => bodies[id] ?? "") };
}

const TURN = "The bike was in an accident in 2022; I recommend an independent inspection first.";

describe("stored texts", () => {
  it("keeps short strings, stores long ones once, and cuts them around known texts", () => {
    const { bodies, textId, decoding } = texts();
    const encoding = new TextEncoding(textId, [TURN, "short"]);
    expect(encoding.text("short")).toBe("short");
    const long = "x".repeat(70);
    expect(encoding.text(long)).toBe(0);
    const quoting = `Turn: ${TURN}\n${long}\nAgain: ${TURN}`;
    const stored = encoding.text(quoting);
    expect(stored).toEqual(["Turn: ", 1, 2, 1]);
    expect(decoding.text(stored)).toBe(quoting);
    expect(bodies).toEqual([long, TURN, `\n${long}\nAgain: `]);
    expect(textIdsOfText(stored)).toEqual([1, 2, 1]);
  });

  it("reads back JSON exactly, keys that look like references and large parts included", () => {
    const { textId, decoding } = texts();
    const encoding = new TextEncoding(textId, [TURN]);
    const value = {
      $text: 3,
      $json: [1, 2],
      content: `echo: ${TURN}`,
      schema: {
        properties: Object.fromEntries(
          [..."abcdefghijklmnop"].map((key) => [key, { type: "string" }]),
        ),
      },
      nested: [{ $$deep: true }, null, 1.5, "y".repeat(80)],
    };
    const encoded = JSON.parse(JSON.stringify(encoding.json(value)));
    expect(encoded.schema).toEqual({ $json: expect.any(Number) });
    expect(decoding.json(encoded)).toEqual(value);
    expect(textIdsOfJson(encoded).sort()).toEqual([0, 1, 2]);
  });

  it("stores a body's copy of the call's messages as a reference to them", () => {
    const { textId, decoding } = texts();
    const messages = [
      { role: "system" as const, content: "Be brief." },
      { role: "user" as const, content: TURN },
    ];
    const body = { model: "m", messages: messages.map((message) => ({ ...message })), seed: 1 };
    const encoded = new TextEncoding(textId).json(body, messages);
    expect(encoded).toEqual({ model: "m", messages: { $messages: 1 }, seed: 1 });
    expect(decoding.json(JSON.parse(JSON.stringify(encoded)), messages)).toEqual(body);
    const reordered = { messages: messages.map(({ role, content }) => ({ content, role })) };
    expect(new TextEncoding(textId).json(reordered, messages)).not.toEqual({
      messages: { $messages: 1 },
    });
  });
});
