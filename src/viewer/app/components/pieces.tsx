import { Fragment } from "preact";

/**
 * Text in pieces that never break inside, one breakable space between them (see text-pieces.ts):
 * "p < 0.001" or "[26.8–64.7]" stays on one line however narrow the column.
 */
export function Pieces({ pieces }: { pieces: readonly string[] }) {
  return (
    <>
      {pieces.map((piece, index) => (
        <Fragment key={index}>
          {index > 0 ? " " : null}
          <span class="nowrap">{piece}</span>
        </Fragment>
      ))}
    </>
  );
}
