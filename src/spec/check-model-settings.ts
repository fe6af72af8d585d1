import type { ExperimentSpec, ModelSettings } from "./experiment.ts";
import { InputError } from "./input-error.ts";

const OPENAI_STYLE = ["openai", "openai-compatible", "ollama"];

/**
 * Settings only some providers can act on. A setting a provider would silently ignore (a thinking
 * budget on an OpenAI model, a batch flag on a local server) is refused, so a run never records a
 * control that was not applied.
 */
const PROVIDERS_OF: Partial<Record<keyof ModelSettings, readonly string[]>> = {
  base_url: [...OPENAI_STYLE, "anthropic"],
  api_key_env: [...OPENAI_STYLE, "anthropic"],
  stream: OPENAI_STYLE,
  reasoning_effort: OPENAI_STYLE,
  thinking_budget: ["anthropic"],
  batch: ["openai", "anthropic"],
  context_size: ["gguf"],
};

/** Refuses `models.SPEC.X` where SPEC's provider has no use for X, naming the file and field. */
export function checkModelSettings(spec: Pick<ExperimentSpec, "models">, file: string): void {
  for (const [model, settings] of Object.entries(spec.models)) {
    const provider = model.slice(0, model.indexOf(":"));
    for (const [key, value] of Object.entries(settings)) {
      const providers = PROVIDERS_OF[key as keyof ModelSettings];
      if (value === undefined || value === false || !providers || providers.includes(provider))
        continue;
      throw new InputError(
        `${key} applies to ${providers.map((name) => `${name}:`).join(", ")} models only, not ${provider}:`,
        { file, field: `models."${model}".${key}` },
      );
    }
  }
}
