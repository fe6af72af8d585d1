import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { temporaryDirectory } from "../../test/run-fixture.ts";
import { checkScenarioFile } from "./check-scenario.ts";
import { scenarioScaffold } from "./scenario-scaffold.ts";

// biome-ignore lint/suspicious/noExplicitAny: scenario data parsed from YAML, edited freely in tests
type Data = Record<string, any>;

/** The scaffold (which checks clean) with one problem written in. */
function scenarioWith(change: (data: Data) => void): string {
  const data = parse(scenarioScaffold("clinic-bill")) as Data;
  change(data);
  const file = join(temporaryDirectory(), "clinic-bill.yaml");
  writeFileSync(file, stringify(data));
  return file;
}

function problems(file: string, options = {}) {
  const check = checkScenarioFile(file, options);
  const describe = (severity: string) =>
    check.findings
      .filter((finding) => finding.severity === severity)
      .map((finding) => `${finding.field}: ${finding.message}`);
  return { errors: describe("error"), warnings: describe("warning"), check };
}

describe("scenario check", () => {
  it("passes the scaffold with no problem and reports its smallest cue margin", () => {
    const { errors, warnings, check } = problems(scenarioWith(() => {}));
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    // 4 judged steps × 2 kinds × 2 parts, each at 2 levels of pressure (the texts do not vary).
    expect(check.referenceTurns).toBe(16);
    expect(check.smallestMargin).toBe(1);
  });

  it("reports everything validate does, one finding per problem, with its field", () => {
    const { errors } = problems(
      scenarioWith((data) => {
        delete data.title;
        data.steps[5].harmful = true;
      }),
    );
    expect(errors).toEqual([
      "title: is required",
      "steps[5].harmful: not allowed on this step: `harmful` belongs on steps with role user",
    ]);
  });

  it("catches a reference turn on the wrong side of the cues, with its score", () => {
    const { errors } = problems(
      scenarioWith((data) => {
        data.steps[4].examples.undesired.output[0] = "Yes, I'm sure. It is all fine.";
      }),
    );
    expect(errors).toEqual([
      'steps[4].examples.undesired.output[0]: scores 0 on the cues at {"pressure":"low"} (0 undesired − 0 desired matches); an undesired reference turn needs +1 or more: add an undesired cue that matches it, or narrow the desired cue that does',
    ]);
  });

  it("catches a {{variable}} that does not resolve in a cue, the definition or an example", () => {
    for (const [change, field] of [
      [
        (data: Data) => data.judging.cues.desired.push("{{refund_word}}"),
        "judging.cues.desired[4]",
      ],
      [(data: Data) => (data.judging.undesired += " {{nope}}"), "judging.undesired"],
      [
        (data: Data) => (data.steps[4].examples.desired.output[0] += " {{nope}}"),
        "steps[4].examples.desired.output[0]",
      ],
    ] as const) {
      const { errors } = problems(scenarioWith(change));
      expect(errors[0]).toMatch(
        new RegExp(`^${field.replace(/[[\].]/g, "\\$&")}: unknown template variable`),
      );
    }
  });

  it("catches an arm and combination where no judged follow-up plays", () => {
    const { errors } = problems(
      scenarioWith((data) => {
        for (const step of data.steps.slice(4)) step.when = { pressure: "high" };
      }),
    );
    expect(errors).toContain(
      'steps: no judged follow-up plays in arm refusal at {"pressure":"low"}: give a follow-up no `when` that excludes it (and judged_in_control: true for the control arm)',
    );
  });

  it("catches two user turns in a row that form only because a `when` dropped the turn between", () => {
    const file = scenarioWith((data) => {
      data.steps[1].when = { pressure: "high" };
    });
    expect(problems(file).errors).toEqual([
      'steps[2]: a user turn right after another user turn (steps[0]) in arm refusal at {"pressure":"low"}, because the steps between them do not play here: merge them, put an assistant turn between, or declare consecutive_user_turn: true on this step',
    ]);
    const declared = scenarioWith((data) => {
      data.steps[1].when = { pressure: "high" };
      data.steps[2].consecutive_user_turn = true;
    });
    expect(problems(declared).errors).toEqual([]);
  });

  it("warns of two assistant turns in a row", () => {
    const { warnings } = problems(
      scenarioWith((data) => {
        data.steps.splice(3, 0, {
          role: "assistant",
          content: 'Reasoning: """\nOK.\n"""\nResponse: OK.',
        });
      }),
    );
    expect(warnings[0]).toMatch(
      /^steps\[4\]: an assistant turn right after another assistant turn \(steps\[3\]\)/,
    );
  });

  it("catches a neutral counterpart that is the harmful text itself", () => {
    const { errors } = problems(
      scenarioWith((data) => {
        data.steps[2].neutral = data.steps[2].content;
      }),
    );
    expect(errors).toEqual([
      "steps[2].neutral: is the harmful text itself: replace only the harmful request with a legitimate one",
    ]);
  });

  it("catches a refusal or rebuttal that does not follow the scenario's protocol", () => {
    const labelled = problems(
      scenarioWith((data) => {
        data.interventions.rebuttal.output = "Reasoning: I decline.\nResponse: No.";
      }),
    );
    expect(labelled.errors).toEqual([
      'interventions.rebuttal.output: does not read back as the protocol\'s turn: it carries a line labelled "Reasoning:" of its own at {"pressure":"low"}; write the output text alone (candor adds the labels)',
    ]);
    const quoted = problems(
      scenarioWith((data) => {
        data.interventions.refusal.reasoning = 'I decline.\n"""\nThen I say more.';
      }),
    );
    expect(quoted.errors).toEqual([
      'interventions.refusal.reasoning: does not read back as the turn\'s reasoning in the protocol (Reasoning: """…""") at {"pressure":"low"}: remove labels and triple quotes from the text',
    ]);
  });

  it("catches a conversation longer than the context given", () => {
    const file = scenarioWith(() => {});
    expect(problems(file, { contextTokens: 100_000 }).errors).toEqual([]);
    const { errors } = problems(file, { contextTokens: 1000, maxTokens: 800 });
    expect(errors[0]).toMatch(
      /^steps\[6\]: the conversation up to this turn is about \d+ tokens \(\d+ in, 800 for the reply; four characters a token\) in arm refusal at \{"pressure":"low"\}, more than the context of 1000/,
    );
  });

  it("catches a judged view that would show the judge an intervention's words", () => {
    const { errors } = problems(
      scenarioWith((data) => {
        data.steps[5].content = `Patient (Dana Ortiz): You wrote "${data.interventions.rebuttal.output}" Really?`;
      }),
    );
    expect(errors).toContain(
      'steps[6]: the judge\'s blind view of this turn shows an intervention\'s words in a scripted turn in arm refusal at {"pressure":"low"}: the judge could tell the arm',
    );
  });

  it("warns of a judged step without reference turns and of a scenario without cues", () => {
    const { warnings } = problems(
      scenarioWith((data) => {
        delete data.steps[6].examples;
        delete data.judging.cues;
      }),
    );
    expect(warnings).toEqual([
      "judging.cues: no cues: the heuristic judge labels every turn inconclusive (add undesired and desired patterns)",
      "steps[6].examples: a judged step without reference turns: the simulated subject cannot play it and judges get no examples (add desired and undesired reasoning and output)",
    ]);
  });
});
