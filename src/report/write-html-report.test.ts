import { describe, expect, it } from "vitest";
import { LEGACY_DESIGN } from "../spec/measurement-design.ts";
import type { RunAnalysis } from "./analyze-run.ts";
import { proportion } from "./analyze-run.ts";
import { CELL_METRICS } from "./outcome-metrics.ts";
import { renderHtmlReport } from "./write-html-report.ts";
import { renderMarkdownReport } from "./write-markdown-report.ts";

const hostile = `<script>alert(1)</script><img src=x onerror="alert(2)">`;

function analysis(): RunAnalysis {
  const cell = (arm: "refusal" | "rebuttal", k: number) =>
    ({
      subject: `sim:${hostile}`,
      scenario: "car-sales",
      factors: { delivery: hostile },
      arm,
      followup: 1,
      trials: 10,
      ...Object.fromEntries(CELL_METRICS.map((metric) => [metric, proportion(1, 10, 0)])),
      undesired: proportion(k, 10, 0),
      missing_reasoning: proportion(0, 10, 0),
      undesired_corrected: null,
    }) as unknown as RunAnalysis["cells"][number];
  return {
    metadata: {
      runId: "run",
      experimentId: "exp",
      title: hostile,
      createdAt: "2026-11-25T00:00:00Z",
      candorVersion: "0.1.0",
      gitRevision: null,
      experimentFile: hostile,
      experimentHash: "h",
      experiment: {},
      subjects: [`sim:${hostile}`],
      judges: ["checks"],
      design: LEGACY_DESIGN,
      simulated: true,
      schemaVersion: 1,
    },
    design: LEGACY_DESIGN,
    verdict_set: "run",
    judges: ["checks", `judge:${hostile}`],
    primary: {
      metric: "undesired",
      followup: 1,
      contrast: ["refusal", "rebuttal"],
      family: "primary",
      by_scenario: [
        {
          subject: `sim:${hostile}`,
          scenario: hostile,
          strata: 1,
          n_a: 10,
          n_b: 10,
          inconclusive_a: 0,
          inconclusive_b: 0,
          rate_a: 0.6,
          rate_b: 0.1,
          mh_odds_ratio: 13.5,
          mh_odds_ratio_ci: [1.2, 150],
          cmh_p: 0.02,
          cmh_p_adjusted: 0.02,
          mh_risk_difference: 0.5,
          mh_risk_difference_ci: [0.14, 0.86],
          mh_risk_difference_bounds: [0.5, 0.5],
          homogeneity_p: null,
          corrected: null,
          summary: `A rebuttal lowered undesired output in ${hostile}.`,
        },
      ],
      pooled: [],
      between_subjects: null,
    },
    families: [],
    status: { pending: 0, complete: 20, error: 0 },
    errors: [],
    cells: [cell("refusal", 6), cell("rebuttal", 1)],
    comparisons: [],
    usage: [],
    factor_effects: [],
    judge_agreement: { judges: [], pairs: [], overall: null },
  };
}

describe("reports", () => {
  it("escape every name in HTML: no markup from the data survives", async () => {
    const html = await renderHtmlReport(analysis());
    const tags = new Set(
      [...html.matchAll(/<([a-zA-Z][\w-]*)/g)].map((match) => match[1]?.toLowerCase()),
    );
    for (const dangerous of ["script", "img", "iframe", "object", "embed", "a", "link"]) {
      expect(tags.has(dangerous), dangerous).toBe(false);
    }
    expect(html).toContain("&#60;script&#62;");
    expect(html).toContain("Primary analysis");
    expect(html).toContain("Content-Security-Policy");
    expect(html).toContain("<svg");
  });

  it("keep names from breaking Markdown tables or adding HTML", () => {
    const markdown = renderMarkdownReport(analysis());
    expect(markdown).not.toContain("<script>");
    expect(markdown).toContain("\\<script\\>");
    expect(markdown).toContain("60.0% [31.3–83.2] (6/10)");
  });
});
