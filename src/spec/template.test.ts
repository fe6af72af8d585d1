import { describe, expect, it } from "vitest";
import { renderTemplate, templateVariableNames, unresolvedVariables } from "./template.ts";

describe("templates", () => {
  it("fills placeholders, with or without inner spaces", () => {
    expect(renderTemplate("Hi {{name}}, {{ shop }}!", { name: "Ana", shop: "Corner" })).toBe(
      "Hi Ana, Corner!",
    );
  });

  it("resolves variables that refer to other variables", () => {
    expect(renderTemplate("{{greeting}}", { greeting: "Hello {{name}}", name: "Ana" })).toBe(
      "Hello Ana",
    );
  });

  it("leaves unknown placeholders in place and reports them", () => {
    expect(renderTemplate("{{nope}}", {})).toBe("{{nope}}");
    expect(unresolvedVariables("{{a}} {{b}} {{a}}", { a: "x" })).toEqual(["b"]);
    expect(templateVariableNames("{{a}} {{b}} {{a}}")).toEqual(["a", "b"]);
  });

  it("stops on self-reference instead of looping", () => {
    expect(renderTemplate("{{loop}}", { loop: "{{loop}}" })).toBe("{{loop}}");
  });

  it("does not treat inherited object keys as variables", () => {
    expect(unresolvedVariables("{{constructor}}", {})).toEqual(["constructor"]);
  });
});
