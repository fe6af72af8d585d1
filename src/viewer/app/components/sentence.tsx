import { sentencePieces } from "../text-pieces.ts";

/** A sentence whose p-values and intervals never break across lines (see sentencePieces). */
export function Sentence({ text }: { text: string }) {
  return (
    <>
      {sentencePieces(text).map((piece, index) =>
        piece.whole ? (
          <span key={index} class="nowrap">
            {piece.text}
          </span>
        ) : (
          piece.text
        ),
      )}
    </>
  );
}
