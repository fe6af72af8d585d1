/** A column title, with a hint shown on hover for the ones a reader may not know. */
export type Column = string | { label: string; hint: string };

/** A table's header row from its column titles. */
export function TableHead({ columns }: { columns: readonly Column[] }) {
  return (
    <thead>
      <tr>
        {columns.map((column) =>
          typeof column === "string" ? (
            <th key={column}>{column}</th>
          ) : (
            <th key={column.label} title={column.hint}>
              <span class="hint">{column.label}</span>
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}
