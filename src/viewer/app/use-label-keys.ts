import { useEffect, useRef } from "preact/hooks";
import { type KeyPress, type LabelAction, labelActionFor } from "./label-keys.ts";

/**
 * Calls `handle` with the label page's action for each key pressed on the page (see
 * labelActionFor); `handle` says whether it acted, and only then is the key's default (a form
 * submitted by Enter, a page scrolled) prevented. A key held down acts once.
 */
export function useLabelKeys(handle: (action: LabelAction) => boolean): void {
  const latest = useRef(handle);
  latest.current = handle;
  useEffect(() => {
    const listener = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.repeat) return;
      const press: KeyPress = {
        key: event.key,
        ctrlKey: event.ctrlKey,
        altKey: event.altKey,
        metaKey: event.metaKey,
        shiftKey: event.shiftKey,
        target: event.target as KeyPress["target"],
      };
      const action = labelActionFor(press);
      if (action && latest.current(action)) event.preventDefault();
    };
    document.addEventListener("keydown", listener);
    return () => document.removeEventListener("keydown", listener);
  }, []);
}
