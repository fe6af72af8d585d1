import type { ComponentChildren } from "preact";
import { useLocation } from "preact-iso";
import { describeFactors } from "../../../report/format.ts";
import type { TurnRecord } from "../../../spec/trial-record.ts";
import type { SampleArm, SampleArmsAnswer, Transcript } from "../../api-types.ts";
import { apiPath, runPath, useApi } from "../api-client.ts";
import { transcriptHref } from "../components/arm-links.tsx";
import { JudgesAndLabels } from "../components/judges-and-labels.tsx";
import { OutcomeLine } from "../components/outcome-line.tsx";
import { QuerySelect } from "../components/query-select.tsx";
import { RunHeader } from "../components/run-header.tsx";
import { Badge, Loaded } from "../components/status.tsx";
import { TurnText } from "../components/turn-text.tsx";
import { interventionTurnIndex } from "../intervention-turn.ts";

/** Two arms of one sample in two columns, turn beside turn, so a reader sees where they part. */
export function ArmsPage({ run, trial }: { run: string; trial: string }) {
  const state = useApi<SampleArmsAnswer>(
    `/api${runPath(run, `/trials/${encodeURIComponent(trial)}/arms`)}`,
  );
  return <Loaded state={state}>{(answer) => <ArmsView run={run} answer={answer} />}</Loaded>;
}

/**
 * The two arms shown: those the address names, else refusal and rebuttal when the sample has
 * both, else the trial's own arm and the first other one.
 */
export function chosenArms(
  finished: readonly SampleArm[],
  trialId: string,
  asked: { left?: string | undefined; right?: string | undefined },
): [SampleArm | undefined, SampleArm | undefined] {
  const named = (arm: string | undefined) => finished.find((candidate) => candidate.arm === arm);
  const own = finished.find((candidate) => candidate.trialId === trialId);
  const defaults =
    named("refusal") && named("rebuttal")
      ? [named("refusal"), named("rebuttal")]
      : [own, finished.find((candidate) => candidate !== own)];
  return [named(asked.left) ?? defaults[0], named(asked.right) ?? defaults[1]];
}

function ArmsView({ run, answer }: { run: string; answer: SampleArmsAnswer }) {
  const { query } = useLocation();
  const finished = answer.arms.filter((arm) => arm.status !== "pending");
  const [left, right] = chosenArms(finished, answer.trialId, query);
  const transcriptApi = (arm: SampleArm | undefined) =>
    arm
      ? apiPath(`/api${runPath(run, `/trials/${encodeURIComponent(arm.trialId)}`)}`, {
          judges: query.judges,
        })
      : null;
  const leftState = useApi<Transcript>(transcriptApi(left));
  const rightState = useApi<Transcript>(transcriptApi(right));
  const options = finished.map((arm) => arm.arm);
  const chooser = (
    <form class="filters" onSubmit={(event) => event.preventDefault()}>
      <QuerySelect label="Left arm" name="left" options={options} fallback={left?.arm} />
      <QuerySelect label="Right arm" name="right" options={options} fallback={right?.arm} />
    </form>
  );
  return (
    <section class="arms-page">
      {left && right ? (
        <Loaded state={leftState}>
          {(leftTranscript) => (
            <Loaded state={rightState}>
              {(rightTranscript) => (
                <SideBySide
                  left={{ arm: left, transcript: leftTranscript }}
                  right={{ arm: right, transcript: rightTranscript }}
                  judges={query.judges}
                  chooser={chooser}
                />
              )}
            </Loaded>
          )}
        </Loaded>
      ) : (
        <p>This sample has fewer than two finished arms: nothing to set side by side.</p>
      )}
    </section>
  );
}

interface Side {
  arm: SampleArm;
  transcript: Transcript;
}

function SideBySide({
  left,
  right,
  judges,
  chooser,
}: {
  left: Side;
  right: Side;
  judges: string | undefined;
  /** The arm pickers, shown under the sample's facts. */
  chooser: ComponentChildren;
}) {
  const { trial } = left.transcript;
  const rows = Math.max(left.transcript.trial.turns.length, right.transcript.trial.turns.length);
  const parting = new Set(
    [left, right].map((side) => interventionTurnIndex(side.transcript.trial.turns)),
  );
  return (
    <>
      <RunHeader run={left.transcript.run} verdictSet={left.transcript.verdictSet} />
      <h2>Two arms of one sample</h2>
      <dl class="facts">
        <dt>Subject</dt>
        <dd>{trial.subject}</dd>
        <dt>Scenario</dt>
        <dd>
          {left.transcript.scenario?.title ?? trial.scenarioId} ({trial.scenarioId}) ·{" "}
          {describeFactors(trial.levels)}
        </dd>
        <dt>Sample</dt>
        <dd>{trial.sample}</dd>
        <dt>Prefix</dt>
        <dd class="arms-pairing">{pairingWords(left.arm, right.arm)}</dd>
      </dl>
      {chooser}
      <div class="arms-grid">
        <div class="arms-row arms-columns">
          <ColumnHead side={left} judges={judges} />
          <ColumnHead side={right} judges={judges} />
        </div>
        {Array.from({ length: rows }, (_, index) => (
          <TurnPair
            key={index}
            index={index}
            left={left.transcript.trial.turns[index]}
            right={right.transcript.trial.turns[index]}
            sides={[left, right]}
            parting={parting.has(index)}
          />
        ))}
      </div>
    </>
  );
}

function pairingWords(left: SampleArm, right: SampleArm): string {
  if (left.prefixHash === null || right.prefixHash === null)
    return "not recorded in this run (or a trial stopped before the intervention point)";
  return left.prefixHash === right.prefixHash
    ? "the same in both arms up to the intervention point (equal prefix hashes): a paired comparison"
    : "differs between the arms before the intervention point (prefix hashes differ): not paired";
}

function ColumnHead({ side, judges }: { side: Side; judges: string | undefined }) {
  const { trial, run } = side.transcript;
  return (
    <div class="arms-column-head" data-arm={side.arm.arm}>
      <h3>{side.arm.arm}</h3>
      <a href={transcriptHref(run.runId, trial.trialId, judges)} class="trial-id">
        {trial.trialId}
      </a>
      {trial.status === "error" ? <Badge kind="error">error: {trial.error}</Badge> : null}
    </div>
  );
}

function TurnPair({
  index,
  left,
  right,
  sides,
  parting,
}: {
  index: number;
  left: TurnRecord | undefined;
  right: TurnRecord | undefined;
  sides: [Side, Side];
  parting: boolean;
}) {
  const same = left !== undefined && right !== undefined && sameTurn(left, right);
  return (
    <div
      class={`arms-row ${same ? "arms-same" : "arms-differ"}${parting ? " arms-parting" : ""}`}
      data-turn={index}
    >
      <p class="arms-row-head">
        Turn {index}: {same ? "the same in both arms" : <strong>differs</strong>}
        {parting ? (
          <strong class="arms-parting-note"> · intervention point: the arms part here</strong>
        ) : null}
      </p>
      <TurnCell turn={left} side={sides[0]} />
      <TurnCell turn={right} side={sides[1]} />
    </div>
  );
}

function sameTurn(left: TurnRecord, right: TurnRecord): boolean {
  return left.role === right.role && left.content === right.content;
}

function TurnCell({ turn, side }: { turn: TurnRecord | undefined; side: Side }) {
  if (!turn) return <div class="arms-cell muted">(no turn here)</div>;
  const labels = side.transcript.labels.filter((label) => label.turnIndex === turn.index);
  return (
    <div class={`arms-cell turn turn-${turn.source} role-${turn.role}`} data-arm={side.arm.arm}>
      <div class="turn-head">
        <strong>{turn.role}</strong> <Badge kind={turn.source}>{turn.source}</Badge>
        {turn.followup > 0 ? <span class="muted"> follow-up {turn.followup}</span> : null}
      </div>
      <TurnText turn={turn} />
      {turn.judged ? <TurnJudgement turn={turn} labels={labels} /> : null}
    </div>
  );
}

function TurnJudgement({ turn, labels }: { turn: TurnRecord; labels: Transcript["labels"] }) {
  return (
    <div class="verdicts">
      <OutcomeLine outcome={turn.outcome} />
      <JudgesAndLabels verdicts={turn.verdicts} labels={labels} />
    </div>
  );
}
