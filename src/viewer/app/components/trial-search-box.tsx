/**
 * The trial list's text search: words and "quoted phrases" looked for in generated outputs and
 * reasoning. Sent on Enter or the button, not on every keystroke: each search reads the run's
 * full-text index on a worker.
 */
export function TrialSearchBox({
  search,
  onSearch,
}: {
  search: string | undefined;
  onSearch: (search: string | undefined) => void;
}) {
  return (
    <form
      class="trial-search"
      aria-label="Search outputs and reasoning"
      onSubmit={(event) => {
        event.preventDefault();
        const input = (event.currentTarget as HTMLFormElement).elements.namedItem("search");
        onSearch((input as HTMLInputElement).value.trim() || undefined);
      }}
    >
      <label class="field">
        <span>Search outputs and reasoning</span>
        <input
          key={search ?? ""}
          type="search"
          name="search"
          defaultValue={search ?? ""}
          placeholder='words, or "an exact phrase"'
        />
      </label>
      <button type="submit">Search</button>
    </form>
  );
}
