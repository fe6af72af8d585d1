import { InputError } from "../spec/input-error.ts";

/** One problem `scenario check` found: an error fails the check, a warning does not. */
export interface ScenarioFinding {
  severity: "error" | "warning";
  file: string;
  field: string;
  message: string;
}

/** `FILE: FIELD: message`, the way every candor input error reads. */
export function formatFinding(finding: ScenarioFinding): string {
  return new InputError(finding.message, { file: finding.file, field: finding.field }).message;
}

/**
 * An InputError as findings, one per problem it lists (a schema error lists up to twenty, each
 * on its own line as `FILE: FIELD: message`).
 */
export function findingsFromInputError(error: InputError, file: string): ScenarioFinding[] {
  const [first = "", ...others] = error.problem.split("\n");
  const findings: ScenarioFinding[] = [
    { severity: "error", file: error.file ?? file, field: error.field ?? "", message: first },
  ];
  for (const line of others) {
    const prefix = `${error.file ?? file}: `;
    const rest = line.startsWith(prefix) ? line.slice(prefix.length) : line;
    const separator = rest.indexOf(": ");
    const located = line.startsWith(prefix) && separator > 0;
    findings.push({
      severity: "error",
      file: error.file ?? file,
      field: located ? rest.slice(0, separator) : "",
      message: located ? rest.slice(separator + 2) : rest,
    });
  }
  return findings;
}
