import type { MeasurementDesign } from "../../api-types.ts";

/** How the run measured, in words (`describeDesign`), `code` spans set as code: text only. */
export function DesignBox({
  design,
  words,
}: {
  design: MeasurementDesign;
  words: ReadonlyArray<readonly [string, string]>;
}) {
  return (
    <aside class="design-box" aria-labelledby="design-title" data-version={design.version}>
      <h2 id="design-title">Design</h2>
      <dl class="facts">
        {words.map(([label, text]) => [
          <dt key={`${label}-term`}>{label}</dt>,
          <dd key={`${label}-text`}>{withCode(text)}</dd>,
        ])}
      </dl>
    </aside>
  );
}

/** `hidden` in backticks becomes a code span; everything stays a text node. */
function withCode(text: string) {
  return text
    .split("`")
    .map((part, index) => (index % 2 === 1 ? <code key={`${index}-${part}`}>{part}</code> : part));
}
