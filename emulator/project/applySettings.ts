import type { ManifestError } from "./errors";
import { readFaasboxEvents, type FunctionSettings, type OverridableField, type Overrides } from "./faasboxYml";
import type { ManifestFunction } from "./manifestFunction";

/**
 * Sets the overridden fields and points their refs at faasbox.yml, so a value out of
 * range is reported where it was written rather than in the original manifest.
 */
export function applyOverrides(fn: ManifestFunction, overrides: Overrides): void {
  for (const key of Object.keys(overrides) as OverridableField[]) {
    const override = overrides[key];
    if (!override) continue;
    (fn.spec as unknown as Record<OverridableField, unknown>)[key] = override.value;
    fn.at[key] = override.at;
  }
}

/** A faasbox.yml entry for this function: its overrides, variables and extra events (`databases`: the sources a `database` event may name). */
export function applySettings(fn: ManifestFunction, settings: FunctionSettings, problems: ManifestError[], databases: readonly string[] = []): void {
  applyOverrides(fn, settings.overrides);
  fn.spec.environment = { ...fn.spec.environment, ...settings.environment };
  if (settings.events) fn.spec.triggers = [...fn.spec.triggers, ...readFaasboxEvents(settings.events, fn.spec.dialect, problems, databases)];
}
