import type { TurnRecord } from "../../../spec/trial-record.ts";
import { HighlightedText } from "./highlighted-text.tsx";

/**
 * A turn's text as untrusted text nodes: a parsed turn's reasoning and final output side by side
 * with its judges' quotes marked, any other turn's content as it came. `showParse` adds how the
 * reasoning was found (its status and the rule that split it).
 */
export function TurnText({ turn, showParse = false }: { turn: TurnRecord; showParse?: boolean }) {
  if (!turn.parsed) return <HighlightedText text={turn.content} sources={[]} empty="(empty)" />;
  const sources = turn.verdicts.map((verdict, judge) => ({ judge, quotes: verdict.quotes }));
  return (
    <div class="split">
      <div class="reasoning">
        <h4>
          Reasoning
          {showParse ? (
            <>
              {" "}
              <span class="muted small">
                ({turn.parsed.reasoningStatus}, rule {turn.parsed.rule})
              </span>
            </>
          ) : null}
        </h4>
        <HighlightedText text={turn.parsed.reasoning} sources={sources} empty="(no reasoning)" />
      </div>
      <div class="output">
        <h4>Final output</h4>
        <HighlightedText text={turn.parsed.output} sources={sources} empty="(empty output)" />
      </div>
    </div>
  );
}
