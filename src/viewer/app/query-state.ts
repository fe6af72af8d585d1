import { useLocation } from "preact-iso";

/** Sets or clears one query parameter of the current page, keeping the others: a new URL. */
export function useQueryChange(): (name: string, value: string | undefined) => void {
  const { path, query, route } = useLocation();
  return (name, value) => {
    const next = new URLSearchParams(query);
    if (value) next.set(name, value);
    else next.delete(name);
    route(`${path}?${next}`);
  };
}
