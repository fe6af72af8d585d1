import { useLocation } from "preact-iso";

/**
 * Sets or clears one query parameter of the current page, keeping the others: a new URL. The other
 * parameters are read from the address bar when the change happens, not from the query this
 * component rendered with: two changes before a re-render (two filters set in one task) both count.
 */
export function useQueryChange(): (name: string, value: string | undefined) => void {
  const { route } = useLocation();
  return (name, value) => {
    const next = new URLSearchParams(window.location.search);
    if (value) next.set(name, value);
    else next.delete(name);
    route(`${window.location.pathname}?${next}`);
  };
}
