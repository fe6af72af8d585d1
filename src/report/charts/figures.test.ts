/**
 * Figures checked by rendering them: each fits the report's column, no text is cut short, every
 * cell's label is there whole, the rows keep the tables' order, and an arm that was not judged in
 * a cell says so instead of leaving a silent gap.
 */
import { describe, expect, it } from "vitest";
import { runFixture } from "../../../test/run-fixture.ts";
import { describeFactors } from "../../spec/factor-combinations.ts";
import { RunStore } from "../../store/run-store.ts";
import { analyzeRun } from "../analyze-run.ts";
import { renderFigures } from "./figures.ts";
import { MAX_FIGURE_WIDTH } from "./render-svg.ts";

const PAPER = new URL("../../../experiments/paper.yaml", import.meta.url).pathname;

/** Every piece of text an SVG draws, in document order. */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<(?:text|tspan)[^>]*>([^<]+)</g)].map((match) =>
    (match[1] ?? "").replaceAll("&amp;", "&").replaceAll("&lt;", "<").replaceAll("&gt;", ">"),
  );
}

describe("the report's figures", async () => {
  const run = await runFixture(PAPER, { samples: 2 });
  const store = RunStore.open(run.directory);
  const analysis = analyzeRun(store);
  store.close();
  const figures = await renderFigures(analysis);

  it("are all drawn, each no wider than the report's column, with no label cut short", () => {
    for (const [name, svg] of Object.entries(figures)) {
      expect(svg, name).toMatch(/^<svg/);
      const width = Number(/^<svg[^>]*\swidth="([\d.]+)"/.exec(svg)?.[1]);
      expect(width, name).toBeGreaterThan(0);
      expect(width, name).toBeLessThanOrEqual(MAX_FIGURE_WIDTH);
      expect(
        texts(svg).filter((text) => text.includes("…")),
        name,
      ).toEqual([]);
    }
  });

  it("label every cell whole, one line per part, in the tables' order", () => {
    const cells = analysis.cells.filter((cell) => cell.followup === 1 && cell.arm === "refusal");
    for (const name of ["arms", "forest"] as const) {
      const drawn = texts(figures[name]);
      let position = -1;
      for (const cell of cells) {
        const factors = describeFactors(cell.factors);
        const at = drawn.indexOf(factors, position + 1);
        expect(at, `${name}: ${factors}`).toBeGreaterThan(position);
        expect(drawn.slice(Math.max(0, at - 2), at)).toEqual([cell.subject, cell.scenario]);
        position = at;
      }
    }
  });

  it("put the primary contrast per scenario and pooled in its own figure, in the table's order", () => {
    const drawn = texts(figures.primary);
    const rows = [...analysis.primary.by_scenario, ...analysis.primary.pooled];
    let position = -1;
    for (const row of rows) {
      const at = drawn.indexOf(row.scenario ?? "all scenarios (pooled)", position + 1);
      expect(at).toBeGreaterThan(position);
      position = at;
    }
  });

  it("say why an arm has no bar where it was not judged", () => {
    // Insider trading judges no follow-up decision in the control arm: no tip was ever given.
    expect(texts(figures.arms)).toContain("not judged in this arm");
  });

  it("draw each arm's line style and marker in the persistence key", () => {
    const key = texts(figures.persistence);
    for (const arm of ["refusal", "rebuttal", "natural", "control"]) expect(key).toContain(arm);
    expect(figures.persistence).toMatch(/stroke-dasharray="6,3"/);
  });
});
