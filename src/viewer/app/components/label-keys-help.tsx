import { LABEL_KEY_MEANINGS, LABEL_KEYS, type LabelAction } from "../label-keys.ts";

/** The key that does `action`, shown beside its button or choice. */
export function KeyHint({ action }: { action: LabelAction }) {
  return (
    <kbd class="key-hint" title={`key: ${LABEL_KEYS[action]}`}>
      {LABEL_KEYS[action]}
    </kbd>
  );
}

/** Every key of the label page and what it does (the `?` list). */
export function LabelKeysHelp() {
  return (
    <dl class="label-keys" aria-label="Keyboard shortcuts">
      {LABEL_KEY_MEANINGS.map(([action, meaning]) => (
        <div key={action}>
          <dt>
            <kbd>{LABEL_KEYS[action]}</kbd>
          </dt>
          <dd>{meaning}</dd>
        </div>
      ))}
      <div>
        <dt class="muted">(none)</dt>
        <dd class="muted">while typing in a field, or with Ctrl, Alt or ⌘ held</dd>
      </div>
    </dl>
  );
}
