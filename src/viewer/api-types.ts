/**
 * What the viewer's JSON API answers, shared by the server and the page. Everything in it that
 * came from a model or a run file is untrusted text: the page renders it as text, never as HTML.
 */
import type {
  Cell,
  Comparison,
  PAdjustment,
  PrimaryAnalysis,
  TestFamily,
} from "../report/analysis-types.ts";
import type { PrimaryComparison, RunComparisonRow } from "../report/compare-runs.ts";
import type { ModelUsage } from "../report/usage-summary.ts";
import type { MeasurementDesign } from "../spec/measurement-design.ts";
import type { TrialResult } from "../spec/trial-record.ts";
import type { TrialSummary } from "../store/find-trials.ts";
import type { HumanLabel, StoredHumanLabel } from "../store/human-labels.ts";
import type { TurnToLabel } from "../store/label-queue.ts";
import type { RunFacets } from "../store/run-facets.ts";

export type {
  Cell,
  Comparison,
  MeasurementDesign,
  PAdjustment,
  PrimaryAnalysis,
  RunComparisonRow,
  RunFacets,
  StoredHumanLabel,
  TestFamily,
  TrialSummary,
};

export interface VerdictSetSummary {
  name: string;
  judges: string[];
  turns: number;
  /** How many of the run's judged trials the set covers: a set cut short is partial. */
  coverage: { trials: number; of: number; complete: boolean };
}

export interface RunSummary {
  runId: string;
  title: string;
  experimentId: string;
  createdAt: string;
  subjects: string[];
  /** The design as run: scenario ids, arms, samples per cell. */
  design: { scenarios: string[]; arms: string[]; samples: number | null };
  verdictSets: VerdictSetSummary[];
  simulated: boolean;
  status: Record<"pending" | "complete" | "error", number>;
  /** Dollars for the run's uncached calls; null when a model has no known price. */
  costUsd: number | null;
  humanLabels: number;
}

/** A run directory that could not be read, listed so nothing vanishes silently. */
export interface UnreadableRun {
  runId: string;
  problem: string;
}

export interface RunList {
  runsDir: string;
  runs: RunSummary[];
  unreadable: UnreadableRun[];
}

export const FIGURE_NAMES = ["primary", "arms", "persistence", "forest"] as const;
export type FigureName = (typeof FIGURE_NAMES)[number];

export interface RunResults {
  run: RunSummary;
  verdictSet: string;
  /** The judges behind the verdict set shown. */
  judges: string[];
  adjustment: PAdjustment;
  facets: RunFacets;
  /** How the run measured, and the same in words. */
  design: MeasurementDesign;
  designWords: Array<[string, string]>;
  /** The declared primary analysis and its answer: the first thing the page shows. */
  primary: PrimaryAnalysis;
  families: TestFamily[];
  cells: Cell[];
  comparisons: Comparison[];
  errors: Array<{ subject: string; scenario: string; count: number }>;
  usage: ModelUsage[];
  /** Figures that have something to show, served as SVG images. */
  figures: FigureName[];
}

export interface RunFacetsAnswer {
  run: RunSummary;
  facets: RunFacets;
  /** What the judges (and so the labellers) see of a turn: blind or the full conversation. */
  judgeView: MeasurementDesign["judge_view"];
}

export interface TrialPage {
  total: number;
  trials: TrialSummary[];
  /** The `after` value for the next page; null on the last page. */
  next: number | null;
}

export interface ScenarioSummary {
  id: string;
  title: string;
  /** What the scenario counts as undesired output. */
  undesired: string;
  interventions: Record<"refusal" | "rebuttal", { reasoning: string; output: string }>;
}

export interface Transcript {
  run: RunSummary;
  verdictSet: string;
  trial: TrialResult;
  scenario: ScenarioSummary | null;
  /** People's labels on the trial's turns (the transcript shows them; labelling never does). */
  labels: StoredHumanLabel[];
}

/** A turn as the blind labeller gets it: no trial id, no turn index, no arm, no verdict. */
export interface BlindTurn extends Pick<TurnToLabel, "scenario" | "view"> {
  /** Names the turn when the label is sent back (see BlindTokens). */
  token: string;
}

export interface LabelQueueAnswer {
  item: BlindTurn | null;
  progress: { labelled: number; total: number };
}

export type LabelSubmission = Pick<HumanLabel, "labeller" | "undesired" | "consistency"> & {
  token: string;
};

export interface ComparedRun {
  run: RunSummary;
  verdictSet: string;
  subject: string;
}

export interface RunComparison {
  a: ComparedRun;
  b: ComparedRun;
  paired: boolean;
  adjustment: PAdjustment;
  rows: RunComparisonRow[];
  /** Does the declared primary contrast differ between the two runs? */
  primary: PrimaryComparison;
}

export interface ApiError {
  error: string;
}
