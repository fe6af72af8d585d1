import { formatDifference, formatP } from "../../../report/format.ts";
import type { Comparison } from "../../api-types.ts";
import { methodLabel } from "../metric-labels.ts";
import { Badge } from "./status.tsx";

/** The columns DifferenceCells fills, after the caller's own. */
export const DIFFERENCE_COLUMNS = ["p", "p adjusted", "Method", "n"] as const;

type Nullable<Shape> = { [Key in keyof Shape]: Shape[Key] | null };

/**
 * A difference of rates and its test, as the report and the run comparison both give them: the
 * difference with its 95% interval, raw and adjusted p, the method and what n it rests on. A row
 * without a test says why instead.
 */
export function DifferenceCells({
  row,
  untested = "not tested",
}: {
  row: Nullable<Pick<Comparison, "diff" | "ci" | "p" | "p_adjusted" | "method" | "n">>;
  untested?: string;
}) {
  const { ci, p, p_adjusted: adjusted, method, n } = row;
  return (
    <>
      <td>{ci ? formatDifference(row.diff, ci) : "–"}</td>
      <td>{p === null ? "–" : formatP(p)}</td>
      <td>{adjusted === null ? "–" : formatP(adjusted)}</td>
      <td>{method === null ? <Badge kind="muted">{untested}</Badge> : methodLabel(method)}</td>
      <td>{n === null ? "–" : Array.isArray(n) ? n.join(" / ") : n}</td>
    </>
  );
}
