import type { Cell } from "../../api-types.ts";
import { proportionPieces } from "../text-pieces.ts";
import { Pieces } from "./pieces.tsx";

type Proportion = Cell["undesired"];

/**
 * `45.0% [26.8–64.7] (9/20, 1 inconclusive; bounds 40.0–50.0)`: rate, interval, counts, and the
 * inconclusive turns beside with the bounds they allow, as the report prints it.
 */
export function ProportionText({ proportion }: { proportion: Proportion | null }) {
  return (
    <span class="proportion">
      {proportion ? <Pieces pieces={proportionPieces(proportion)} /> : "–"}
    </span>
  );
}
