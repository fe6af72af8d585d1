import { InputError, type InputLocation } from "../spec/input-error.ts";
import type { LanguageModel } from "../spec/language-model.ts";
import { parseModelSpec } from "./model-spec.ts";
import { SimulatedSubject } from "./sim/simulated-subject.ts";

/** The providers this build knows; each maps a model name to a LanguageModel. */
const PROVIDERS: Record<string, (spec: string, model: string) => LanguageModel> = {
  sim: (spec, model) => SimulatedSubject.fromProfileName(spec, model),
};

export function knownProviders(): string[] {
  return Object.keys(PROVIDERS);
}

/** Makes a model from its spec, or throws an InputError that names the field it came from. */
export function createLanguageModel(spec: string, location: InputLocation): LanguageModel {
  const { provider, model } = parseModelSpec(spec, location);
  const factory = PROVIDERS[provider];
  if (!factory) {
    throw new InputError(
      `unknown provider "${provider}"; known: ${knownProviders().join(", ")}`,
      location,
    );
  }
  try {
    return factory(spec, model);
  } catch (error) {
    if (error instanceof InputError) throw new InputError(error.message, location);
    throw error;
  }
}
