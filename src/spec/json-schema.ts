import * as z from "zod";
import { experimentSchema } from "./experiment.ts";
import { scenarioSchema } from "./scenario.ts";

/** JSON Schemas generated from the zod schemas, so the two can never disagree. */
export function jsonSchemas(): Record<"scenario" | "experiment", object> {
  const options = { io: "input", unrepresentable: "any" } as const;
  return {
    scenario: { title: "candor scenario", ...z.toJSONSchema(scenarioSchema, options) },
    experiment: { title: "candor experiment", ...z.toJSONSchema(experimentSchema, options) },
  };
}
