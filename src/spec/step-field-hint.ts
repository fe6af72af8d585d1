import { stepSchema } from "./scenario.ts";

/** Role → the fields a step of that role may have, read from the schema itself. */
const FIELDS_BY_ROLE: ReadonlyArray<[string, readonly string[]]> = stepSchema.options.map(
  (option) => [String(option.shape.role.value), Object.keys(option.shape)],
);

/**
 * For a field not allowed on a step: on which steps it is allowed (`harmful` on a follow-up, `when`
 * on the intervention), so the author knows where it belongs. Undefined for other paths.
 */
export function stepFieldHint(path: readonly PropertyKey[], key: PropertyKey): string | undefined {
  if (path.length !== 2 || path[0] !== "steps" || typeof key !== "string") return undefined;
  const roles = FIELDS_BY_ROLE.filter(([, fields]) => fields.includes(key)).map(([role]) => role);
  if (roles.length === 0) return undefined;
  const where =
    roles.length === 1
      ? `role ${roles[0]}`
      : `role ${roles.slice(0, -1).join(", ")} or ${roles.at(-1)}`;
  const intervention =
    key === "when" ? "; the intervention point plays in every arm and combination" : "";
  return `not allowed on this step: \`${key}\` belongs on steps with ${where}${intervention}`;
}
