import { join } from "node:path";
import { expect, it } from "vitest";
import { REPOSITORY_ROOT, runFixture } from "../../test/run-fixture.ts";
import { RunStore } from "../store/run-store.ts";
import { usageSummary } from "./usage-summary.ts";

it("counts the pressurer's calls apart from the subject's, and an unpriced model as unknown", async () => {
  const run = await runFixture(join(REPOSITORY_ROOT, "experiments/persistence.yaml"), {
    samples: 1,
  });
  const store = RunStore.openForReading(run.directory);
  try {
    const pressured = store.database
      .prepare("SELECT COUNT(*) AS n FROM turns WHERE source = 'pressurer'")
      .get() as { n: number };
    const usage = usageSummary(store.database, {}, "openai-compatible:pressurer");
    const pressurer = usage.find((row) => row.role === "pressurer");
    expect(pressured.n).toBeGreaterThan(0);
    expect(pressurer).toMatchObject({ model: "openai-compatible:pressurer", calls: pressured.n });
    expect(pressurer?.costUsd).toBeNull();
    expect(usage.find((row) => row.role === "subject")?.costUsd).toBe(0);
  } finally {
    store.close();
  }
});
