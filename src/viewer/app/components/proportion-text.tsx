import { formatProportion } from "../../../report/format.ts";
import type { Cell } from "../../api-types.ts";

type Proportion = Cell["undesired"];

/** `45.0% [26.8–64.7] (9/20, 1 inconclusive)`: rate, interval, counts, inconclusive beside. */
export function ProportionText({ proportion }: { proportion: Proportion | null }) {
  return <span class="proportion">{proportion ? formatProportion(proportion) : "–"}</span>;
}
