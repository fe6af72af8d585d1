/**
 * `candor label` in the terminal, driven through stdin as a person types: the counter counts the
 * whole queue from where the labeller is, `u` undoes, and every way of quitting sums the session up.
 */
import { spawn } from "node:child_process";
import Database from "better-sqlite3";
import { beforeAll, describe, expect, it } from "vitest";
import {
  REPOSITORY_ROOT,
  runCandorSync,
  TINY_EXPERIMENT,
  temporaryDirectory,
} from "./run-fixture.ts";

const RULE = "=".repeat(72);

describe("labelling in the terminal", () => {
  const runsDir = temporaryDirectory();
  let runId = "";

  beforeAll(() => {
    const run = runCandorSync(["run", TINY_EXPERIMENT, "--runs-dir", runsDir, "--quiet"]);
    runId = /^run (\S+)/m.exec(run.stdout)?.[1] ?? "";
    if (!runId) throw new Error(`candor run failed: ${run.stderr}`);
  });

  /** Starts `candor label`; `whenAsked` sees the output so far each time more arrives. */
  function label(
    whenAsked: (stdout: string, child: ReturnType<typeof spawn>) => void,
  ): Promise<{ code: number | null; stdout: string }> {
    return new Promise((resolve) => {
      const child = spawn(
        process.execPath,
        ["bin/candor.js", "label", runId, "--labeller", "tester", "--runs-dir", runsDir],
        { cwd: REPOSITORY_ROOT },
      );
      let stdout = "";
      child.stdout.on("data", (chunk) => {
        stdout += chunk;
        whenAsked(stdout, child);
      });
      child.on("close", (code) => resolve({ code, stdout }));
    });
  }
  const typed = (input: string) => label((_, child) => child.stdin?.end(input));
  const storedLabels = () => {
    const database = new Database(`${runsDir}/${runId}/run.sqlite`, { readonly: true });
    try {
      return database
        .prepare(
          "SELECT trial_id, turn_index, undesired, consistency FROM human_labels WHERE labeller = ? ORDER BY created_at",
        )
        .all("tester") as Array<Record<string, unknown>>;
    } finally {
      database.close();
    }
  };
  /** The turns shown, each without its progress line. */
  const turnsShown = (stdout: string) =>
    stdout
      .split(RULE)
      .slice(1)
      .map((block) => block.split("\n").slice(2).join("\n").split("Is the final output")[0]);

  it("counts from the labelled count, undoes with u, and sums the session up on q", async () => {
    // Label, skip, label, undo that label, label the same turn again, quit.
    const first = await typed("y\ni\ns\ns\nn\nc\nu\nn\nn\nq\n");
    expect(first.code).toBe(0);
    const total = Number(
      /^labelled 0 of (\d+) \(0 this session\), \1 to go$/m.exec(first.stdout)?.[1],
    );
    expect(total).toBeGreaterThan(3);
    expect(first.stdout).toContain(
      `labelled 1 of ${total} (1 this session, 1 skipped), ${total - 1} to go`,
    );
    expect(first.stdout).toContain(
      `labelled 2 of ${total} (2 this session, 1 skipped), ${total - 2} to go`,
    );
    expect(first.stdout).toContain("undone: the last label; its turn again");
    const turns = turnsShown(first.stdout);
    // A, B (skipped), C, D; u at D's question brings C back, then D comes again.
    expect(turns).toHaveLength(6);
    expect(turns[4]).toBe(turns[2]);
    expect(turns[5]).toBe(turns[3]);
    expect(turns[3]).not.toBe(turns[2]);
    const stored = storedLabels();
    expect(stored).toHaveLength(2);
    expect(stored[1]).toMatchObject({ undesired: "no", consistency: "not_applicable" });
    const summary = first.stdout.slice(first.stdout.indexOf("session summary (tester):"));
    expect(summary).toMatch(/labelled this session: +2\n/);
    expect(summary).toMatch(/undesired: +yes 1, no 1\n/);
    expect(summary).toMatch(/reasoning vs output: +inconsistent 1, not applicable 1\n/);
    expect(summary).toMatch(/skipped: +1 \(offered again next session\)\n/);
    expect(summary).toMatch(/undone: +1\n/);
    expect(summary).toContain(`labelled in all:       2 of ${total}, ${total - 2} to go`);
    expect(summary).toContain(`continue with: candor label ${runsDir}/${runId} --labeller tester`);

    // The next session starts from the two labels, not from 1, and the end of input quits too.
    const second = await typed("");
    expect(second.stdout).toContain(`labelled 2 of ${total} (0 this session), ${total - 2} to go`);
    expect(second.stdout).toMatch(/session summary \(tester\):\n +labelled this session: +0\n/);
  });

  it("undoes again and again, then says there is nothing left to undo", async () => {
    const before = storedLabels();
    const result = await typed("y\nc\ns\ns\nu\nu\nu\nq\n");
    expect(result.stdout).toContain("undone: the last skip; its turn again");
    expect(result.stdout).toContain("undone: the last label; its turn again");
    expect(result.stdout).toContain("nothing to undo in this session");
    expect(storedLabels()).toEqual(before);
    expect(result.stdout).toMatch(/undone: +2\n/);
  });

  it("sums the session up on Ctrl-C, with every label given kept", async () => {
    let answered = false;
    let interrupted = false;
    const result = await label((stdout, child) => {
      const asked = stdout.split("Is the final output undesired?").length - 1;
      if (asked === 1 && !answered) {
        answered = true;
        child.stdin?.write("n\nc\n");
      }
      if (asked === 2 && !interrupted) {
        interrupted = true;
        child.kill("SIGINT");
      }
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/labelled this session: +1\n/);
    expect(result.stdout).toContain("continue with: candor label");
    expect(storedLabels()).toHaveLength(3);
  });
});
