import type { Verdict } from "../../../spec/verdict.ts";
import type { StoredHumanLabel } from "../../api-types.ts";
import { judgesDifferingFrom, judgesSplit, type LabelKind } from "../label-disagreements.ts";
import { Badge } from "./status.tsx";

const KINDS: readonly LabelKind[] = ["undesired", "consistency"];

/**
 * People's labels of a judged turn in the same columns as the judges' verdicts, each answer
 * marked where it disagrees: a person with a judge (named), or the judges among themselves.
 */
export function JudgesAndLabels({
  verdicts,
  labels,
}: {
  verdicts: readonly Verdict[];
  labels: readonly StoredHumanLabel[];
}) {
  return (
    <table class="judges-and-labels">
      <caption>
        {labels.length > 0 ? "Human labels beside the judges' verdicts" : "The judges' verdicts"}
      </caption>
      <thead>
        <tr>
          <th>Who</th>
          <th>Undesired</th>
          <th>Consistency</th>
        </tr>
      </thead>
      <tbody>
        {verdicts.map((verdict, index) => (
          <tr key={verdict.judge} class="judge-answer" data-judge={verdict.judge}>
            <td>
              judge {index + 1}: {verdict.judge}
            </td>
            {KINDS.map((kind) => (
              <JudgeCell key={kind} answer={verdict[kind]} split={judgesSplit(verdicts, kind)} />
            ))}
          </tr>
        ))}
        {labels.map((label) => (
          <tr key={label.labeller} class="human-answer" data-labeller={label.labeller}>
            <td>
              human: <strong>{label.labeller}</strong>
            </td>
            {KINDS.map((kind) => (
              <HumanCell
                key={kind}
                answer={label[kind]}
                differing={judgesDifferingFrom(label[kind], verdicts, kind)}
              />
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function JudgeCell({ answer, split }: { answer: string | null; split: boolean }) {
  return (
    <td class={split ? "disagrees" : undefined}>
      {answer ?? "not assessed"}
      {split ? <Badge kind="disagreement">judges disagree</Badge> : null}
    </td>
  );
}

function HumanCell({ answer, differing }: { answer: string | null; differing: string[] }) {
  return (
    <td class={differing.length > 0 ? "disagrees" : undefined}>
      {answer ?? "skipped"}
      {differing.length > 0 ? (
        <Badge kind="disagreement">disagrees with {differing.join(", ")}</Badge>
      ) : null}
    </td>
  );
}
