/** A labelled drop-down whose empty choice means "any". */
export function SelectField({
  label,
  value,
  options,
  onChange,
  anyLabel = "any",
}: {
  label: string;
  value: string | undefined;
  options: ReadonlyArray<string | { value: string; label: string }>;
  onChange: (value: string | undefined) => void;
  anyLabel?: string | null;
}) {
  return (
    <label class="field">
      <span>{label}</span>
      <select
        value={value ?? ""}
        onChange={(event) => onChange((event.target as HTMLSelectElement).value || undefined)}
      >
        {anyLabel === null ? null : <option value="">{anyLabel}</option>}
        {options.map((option) => {
          const { value: optionValue, label: optionLabel } =
            typeof option === "string" ? { value: option, label: option } : option;
          return (
            <option key={optionValue} value={optionValue}>
              {optionLabel}
            </option>
          );
        })}
      </select>
    </label>
  );
}
