import type { Comparison } from "../../api-types.ts";
import { methodLabel } from "../metric-labels.ts";
import { differencePieces, pText } from "../text-pieces.ts";
import { Defined } from "./definition.tsx";
import { Pieces } from "./pieces.tsx";
import { Badge } from "./status.tsx";

/** The columns DifferenceCells fills, after the caller's own: the difference's title is theirs. */
export const DIFFERENCE_COLUMNS = ["n", "p", "p adjusted", "Method"] as const;

type Nullable<Shape> = { [Key in keyof Shape]: Shape[Key] | null };

/**
 * A difference of rates and its test, as the report and the run comparison both give them: the
 * difference with its 95% interval, what n it rests on (pairs when paired), raw and adjusted p and
 * the method. A row without a test says why instead.
 */
export function DifferenceCells({
  row,
  untested = "not tested",
}: {
  row: Nullable<Pick<Comparison, "diff" | "ci" | "p" | "p_adjusted" | "method" | "n">> & {
    pairs?: number | undefined;
  };
  untested?: string;
}) {
  const { p, p_adjusted: adjusted, method } = row;
  return (
    <>
      <td class="number">
        <Pieces pieces={differencePieces(row.diff, row.ci)} />
      </td>
      <td class="number nowrap">{describeN(row)}</td>
      <td class="number nowrap">{pText(p)}</td>
      <td class="number nowrap">{pText(adjusted)}</td>
      <td>
        {method === null ? (
          <Badge kind="muted">{untested}</Badge>
        ) : (
          <Defined term={method === "mcnemar-paired" ? "exact McNemar" : "Fisher's exact test"}>
            {methodLabel(method)}
          </Defined>
        )}
      </td>
    </>
  );
}

function describeN({
  n,
  pairs,
  method,
}: {
  n: number | [number, number] | null;
  pairs?: number | undefined;
  method: Comparison["method"] | null;
}): string {
  if (n === null) return "–";
  if (Array.isArray(n)) return n.join(" / ");
  return method === "mcnemar-paired" ? `${pairs ?? n} pairs` : String(n);
}
