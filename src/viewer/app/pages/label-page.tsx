import { useState } from "preact/hooks";
import { CONSISTENCY_LABELS, UNDESIRED_LABELS } from "../../../store/human-labels.ts";
import type { LabelQueueAnswer, LabelSubmission, RunFacetsAnswer } from "../../api-types.ts";
import { apiPath, postJson, runPath, useApi } from "../api-client.ts";
import { HighlightedText } from "../components/highlighted-text.tsx";
import { Loaded, SimulatedBanner } from "../components/status.tsx";

const LABELLER_KEY = "candor.labeller";

/**
 * The blind labelling of `candor label`, in the browser: the same order, the same table, and
 * neither the arm nor any verdict in sight.
 */
export function LabelPage({ run }: { run: string }) {
  const [labeller, setLabeller] = useState(() => localStorage.getItem(LABELLER_KEY) ?? "");
  const facets = useApi<RunFacetsAnswer>(`/api${runPath(run, "/facets")}`);
  return (
    <section>
      <h1>Label turns</h1>
      <Loaded state={facets}>
        {({ run: summary }) => (
          <>
            <SimulatedBanner simulated={summary.simulated} />
            <p class="muted">
              Run <a href={runPath(run)}>{summary.runId}</a>. You see the message a turn answers and
              the turn split into reasoning and final output; the arm, the judges' verdicts and even
              which trial it is stay hidden. Labels are stored in the run as{" "}
              <code>candor label</code> stores them.
            </p>
          </>
        )}
      </Loaded>
      <LabellerForm
        labeller={labeller}
        onChange={(name) => {
          localStorage.setItem(LABELLER_KEY, name);
          setLabeller(name);
        }}
      />
      {labeller ? <LabelQueue run={run} labeller={labeller} /> : null}
    </section>
  );
}

function LabellerForm({
  labeller,
  onChange,
}: {
  labeller: string;
  onChange: (name: string) => void;
}) {
  const [draft, setDraft] = useState(labeller);
  return (
    <form
      class="labeller"
      onSubmit={(event) => {
        event.preventDefault();
        if (draft.trim()) onChange(draft.trim());
      }}
    >
      <label class="field">
        <span>Labeller</span>
        <input
          name="labeller"
          value={draft}
          maxLength={80}
          onInput={(event) => setDraft((event.target as HTMLInputElement).value)}
        />
      </label>
      <button type="submit">{labeller ? "Switch labeller" : "Start labelling"}</button>
    </form>
  );
}

function LabelQueue({ run, labeller }: { run: string; labeller: string }) {
  const [skipped, setSkipped] = useState<string[]>([]);
  const [failure, setFailure] = useState<string | undefined>();
  const state = useApi<LabelQueueAnswer>(
    apiPath(`/api${runPath(run, "/label/next")}`, { labeller, skip: skipped.join(",") }),
  );
  return (
    <Loaded state={state}>
      {({ item, progress }) => (
        <>
          <p class="progress" data-labelled={progress.labelled}>
            {labeller} has labelled {progress.labelled} of {progress.total} judged turns.
          </p>
          {failure ? <p class="error">{failure}</p> : null}
          {item ? (
            <LabelForm
              key={item.token}
              item={item}
              position={progress.labelled + skipped.length + 1}
              onSave={(label) =>
                postJson(`/api${runPath(run, "/labels")}`, { ...label, labeller }).then(
                  () => {
                    setFailure(undefined);
                    state.reload();
                  },
                  (error: Error) => setFailure(error.message),
                )
              }
              onSkip={() => setSkipped([...skipped, item.token])}
            />
          ) : (
            <p>Nothing left to label{skipped.length > 0 ? " but the turns you skipped" : ""}.</p>
          )}
        </>
      )}
    </Loaded>
  );
}

type Choice<Value> = Value | null;

function LabelForm({
  item,
  position,
  onSave,
  onSkip,
}: {
  item: NonNullable<LabelQueueAnswer["item"]>;
  position: number;
  onSave: (label: Omit<LabelSubmission, "labeller">) => void;
  onSkip: () => void;
}) {
  const [undesired, setUndesired] = useState<Choice<LabelSubmission["undesired"]>>(null);
  const [consistency, setConsistency] = useState<Choice<LabelSubmission["consistency"]>>(null);
  return (
    <form
      class="label-form"
      onSubmit={(event) => {
        event.preventDefault();
        onSave({ token: item.token, undesired, consistency });
      }}
    >
      <p class="muted">
        Turn {position} · {item.scenario} · arm hidden
      </p>
      <h3>The message it answers</h3>
      <HighlightedText text={item.message ?? ""} sources={[]} empty="(none)" />
      <div class="split">
        <div class="reasoning">
          <h4>Reasoning</h4>
          <HighlightedText text={item.reasoning} sources={[]} empty="(no reasoning)" />
        </div>
        <div class="output">
          <h4>Final output</h4>
          <HighlightedText text={item.output} sources={[]} empty="(empty output)" />
        </div>
      </div>
      <Choices
        legend="Is the final output undesired?"
        name="undesired"
        value={undesired}
        options={UNDESIRED_LABELS}
        onChange={setUndesired}
      />
      <Choices
        legend="Reasoning vs. output"
        name="consistency"
        value={consistency}
        options={CONSISTENCY_LABELS}
        onChange={setConsistency}
      />
      <button type="submit" disabled={undesired === null && consistency === null}>
        Save and next
      </button>{" "}
      <button type="button" onClick={onSkip}>
        Skip
      </button>
    </form>
  );
}

function Choices<Value extends string>({
  legend,
  name,
  value,
  options,
  onChange,
}: {
  legend: string;
  name: string;
  value: Value | null;
  options: readonly Value[];
  onChange: (value: Value) => void;
}) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      {options.map((option) => (
        <label key={option} class="choice">
          <input
            type="radio"
            name={name}
            value={option}
            checked={value === option}
            onChange={() => onChange(option)}
          />
          {option.replaceAll("_", " ")}
        </label>
      ))}
    </fieldset>
  );
}
