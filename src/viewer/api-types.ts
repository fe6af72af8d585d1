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
import type { StoredCall } from "../store/call-records.ts";
import type { TrialSummary } from "../store/find-trials.ts";
import type { HumanLabel, StoredHumanLabel, StoredLabelValues } from "../store/human-labels.ts";
import type { TurnToLabel } from "../store/label-queue.ts";
import type { RunFacets } from "../store/run-facets.ts";
import type { RunProgressSnapshot } from "../store/run-progress.ts";
import type { RunStop } from "../store/run-stop.ts";
import type { SampleArm } from "../store/sample-arms.ts";

export type {
  Cell,
  Comparison,
  MeasurementDesign,
  PAdjustment,
  PrimaryAnalysis,
  RunComparisonRow,
  RunFacets,
  SampleArm,
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
  /** Why the run's last session stopped early; null or absent when none was recorded. */
  stop?: RunStop | null;
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
  /** The `after` value for the next page (the last trial's ordinal, in any sort); null on the last page. */
  next: number | null;
  /** Why no trial matches, in words, when none does and a reason was found. */
  emptyBecause: string | null;
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

/** A label stored, and what it replaced (null: nothing), which an undo sends back. */
export interface LabelSaved {
  saved: true;
  previous: StoredLabelValues | null;
}

/** The body of an undo (DELETE of a label); it answers with the turn again and the progress. */
export interface LabelUndo {
  token: string;
  labeller: string;
  previous: StoredLabelValues | null;
}

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

/** What a page polls to follow a run being written: cheap, never an analysis. */
export interface RunLive {
  runId: string;
  /** Changes whenever the run's database does; the page then fetches what it shows again. */
  version: string;
  status: RunSummary["status"];
  stop: RunStop | null;
  /** A live candor process holds the run's lock: the run is in progress. */
  writing: boolean;
  /** The run directory, as `candor resume` takes it. */
  directory: string;
  /** The running session's figures (counts only); null when no session is running. */
  progress: RunProgressSnapshot | null;
}

/** Every run's version and whether it is being written, for the runs list. */
export interface RunsLive {
  runs: Array<Pick<RunLive, "runId" | "version" | "writing">>;
}

/** The arms of the sample a trial belongs to (the trial included), in plan order. */
export interface SampleArmsAnswer {
  trialId: string;
  arms: SampleArm[];
}

/** A trial's recorded model calls (src/store/call-records.ts); `recorded` is false when it has none (runs made before calls were kept). */
export interface TrialCallsAnswer {
  trialId: string;
  verdictSet: string;
  recorded: boolean;
  calls: StoredCall[];
}
