import { highlightSegments, type QuoteSource } from "../highlight-quotes.ts";

/** Untrusted text with judges' quotes marked; every piece is a text node, never markup. */
export function HighlightedText({
  text,
  sources,
  empty,
}: {
  text: string;
  sources: readonly QuoteSource[];
  empty: string;
}) {
  if (text === "") return <p class="text empty-text">{empty}</p>;
  return (
    <p class="text">
      {highlightSegments(text, sources).map((segment, index) =>
        segment.quotedBy.length === 0 ? (
          segment.text
        ) : (
          <mark
            key={index}
            class={`quote quote-${Math.min(segment.quotedBy[0] ?? 0, 3)}${segment.quotedBy.length > 1 ? " quote-many" : ""}`}
            title={`quoted by ${segment.quotedBy.map((judge) => `judge ${judge + 1}`).join(", ")}`}
            data-judges={segment.quotedBy.join(" ")}
          >
            {segment.text}
          </mark>
        ),
      )}
    </p>
  );
}
