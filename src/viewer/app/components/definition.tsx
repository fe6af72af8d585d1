import type { ComponentChildren } from "preact";
import { METHOD_DEFINITIONS, type MethodName } from "../metric-labels.ts";

/** A method's name with its definition one hover away (an <abbr> titled with it). */
export function Defined({ term, children }: { term: MethodName; children?: ComponentChildren }) {
  return (
    <abbr class="defined" title={METHOD_DEFINITIONS[term]}>
      {children ?? term}
    </abbr>
  );
}

/** A list of terms and their definitions, one click away (a closed <details>). */
export function DefinitionList({
  summary,
  definitions,
}: {
  summary: string;
  definitions: ReadonlyArray<readonly [string, string]>;
}) {
  return (
    <details class="definitions">
      <summary>{summary}</summary>
      <dl>
        {definitions.map(([term, text]) => [
          <dt key={`${term}-term`}>{term}</dt>,
          <dd key={`${term}-text`}>{text}</dd>,
        ])}
      </dl>
    </details>
  );
}

/** The methods a page names, defined. */
export function MethodDefinitions({ methods }: { methods: readonly MethodName[] }) {
  return (
    <DefinitionList
      summary="What the methods mean"
      definitions={methods.map((method) => [method, METHOD_DEFINITIONS[method]] as const)}
    />
  );
}
