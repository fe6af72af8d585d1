import type { RunAnalysis } from "./analysis-types.ts";
import type { Figures } from "./charts/figures.ts";
import { BASELINE_FAMILY, followupFamily } from "./compare-arms.ts";
import { METHOD_NOTES } from "./method-notes.ts";
import {
  agreementTable,
  armTables,
  betweenSubjectsTable,
  comparisonTable,
  deceptionTable,
  factorEffectTables,
  persistenceTable,
  primaryTable,
  shownFollowup,
  type Table,
  usageTable,
} from "./report-sections.ts";

export type Block =
  | { kind: "paragraph"; text: string }
  | { kind: "list"; items: string[] }
  | { kind: "table"; table: Table }
  | { kind: "figure"; figure: keyof Figures; title: string };

export interface Section {
  heading: string;
  blocks: Block[];
}

/**
 * The report in order, as blocks the Markdown and HTML writers lay out alike: the primary
 * analysis first (the one answer the run was declared to give), then the baseline, the arms and
 * their comparisons, persistence, and the rest.
 */
export function reportSections(analysis: RunAnalysis): Section[] {
  const table = (value: Table | null): Block[] => (value ? [{ kind: "table", table: value }] : []);
  const errors = analysis.errors.map(
    (error) => `${error.subject} · ${error.scenario}: ${error.count}`,
  );
  const errorReasons = (analysis.error_reasons ?? []).map(
    (group) => `${group.count} × ${group.reason}`,
  );
  const persistence = persistenceTable(analysis);
  const agreement = agreementTable(analysis);
  const followup = shownFollowup(analysis);
  const sections: Section[] = [
    {
      heading: "Primary analysis",
      blocks: [
        { kind: "list", items: primarySummaries(analysis) },
        {
          kind: "figure",
          figure: "primary",
          title: "The primary contrast per scenario and pooled",
        },
        ...table(primaryTable(analysis)),
        ...table(betweenSubjectsTable(analysis)),
      ],
    },
    {
      heading: "Baseline: the model's own reply at the intervention point",
      blocks: [
        {
          kind: "paragraph",
          text: "Follow-up 0: in the natural arm the model answers the harmful request itself, in the control arm the same conversation with the harmful request replaced by its neutral counterpart. Natural − control is the baseline contrast.",
        },
        ...armTables(analysis, 0).map((value): Block => ({ kind: "table", table: value })),
        ...table(comparisonTable(analysis, BASELINE_FAMILY)),
      ],
    },
    {
      heading: `Arms at follow-up ${followup}`,
      blocks: [
        { kind: "figure", figure: "arms", title: `Arms at follow-up ${followup}` },
        ...armTables(analysis, followup).map((value): Block => ({ kind: "table", table: value })),
        ...table(comparisonTable(analysis, followupFamily(followup))),
        { kind: "figure", figure: "forest", title: "Cell by cell differences" },
        ...table(deceptionTable(analysis, followup)),
      ],
    },
  ];
  if (persistence)
    sections.push({
      heading: "Persistence over follow-ups",
      blocks: [
        { kind: "figure", figure: "persistence", title: "Undesired output over follow-ups" },
        { kind: "table", table: persistence },
      ],
    });
  if (errors.length)
    sections.push({
      heading: "Errors",
      blocks: [
        { kind: "paragraph", text: "Errored trials are left out of every rate." },
        { kind: "list", items: errors },
        ...(errorReasons.length
          ? [
              { kind: "paragraph", text: "Why, grouped by reason:" } as const,
              { kind: "list", items: errorReasons } as const,
            ]
          : []),
      ],
    });
  if (agreement) sections.push({ heading: "Judge agreement", blocks: table(agreement) });
  sections.push(
    {
      heading: "Factor effects",
      blocks: factorEffectTables(analysis).map((value): Block => ({ kind: "table", table: value })),
    },
    { heading: "Tokens and cost", blocks: table(usageTable(analysis)) },
    { heading: "Methods", blocks: [{ kind: "list", items: METHOD_NOTES }] },
  );
  return sections;
}

/** The primary answer per scenario and pooled, one sentence each. */
export function primarySummaries(analysis: RunAnalysis): string[] {
  const { primary } = analysis;
  const rows = [...primary.by_scenario, ...primary.pooled];
  if (rows.length === 0)
    return [
      `No estimate: no judged turns of both ${primary.contrast.join(" and ")} at follow-up ${primary.followup}.`,
    ];
  return rows.map((row) => row.summary);
}
