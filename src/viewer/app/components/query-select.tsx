import { useLocation } from "preact-iso";
import { useQueryChange } from "../query-state.ts";
import { SelectField } from "./select-field.tsx";

/** A drop-down that is a query parameter of the page: choosing is navigating, so links keep it. */
export function QuerySelect({
  label,
  name,
  options,
  fallback,
  anyLabel = null,
}: {
  label: string;
  name: string;
  options: ReadonlyArray<string | { value: string; label: string }>;
  /** What the page uses while the parameter is absent. */
  fallback?: string;
  anyLabel?: string | null;
}) {
  const { query } = useLocation();
  const change = useQueryChange();
  return (
    <SelectField
      label={label}
      value={query[name] ?? fallback}
      options={options}
      onChange={(value) => change(name, value)}
      anyLabel={anyLabel}
    />
  );
}
