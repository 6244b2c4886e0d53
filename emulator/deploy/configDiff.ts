import type { ConfigChange } from "./types";

/** One comparable setting: its name as the cloud calls it, the cloud's value and the manifest's. */
export interface Setting {
  field: string;
  current: string | number | undefined;
  desired: string | number | undefined;
}

/** The settings whose cloud value differs from the manifest's. */
export function diffSettings(settings: readonly Setting[]): ConfigChange[] {
  return settings
    .filter((s) => s.desired !== undefined && String(s.current ?? "") !== String(s.desired))
    .map((s) => ({ field: s.field, from: s.current === undefined || s.current === "" ? "(none)" : String(s.current), to: String(s.desired) }));
}

/**
 * Environment variables that would be added, changed or removed. Values are never shown:
 * they are often secrets (a .env file's passwords), so the plan only says what happens.
 */
export function diffEnvironment(current: Readonly<Record<string, string>>, desired: Readonly<Record<string, string>>): ConfigChange[] {
  const changes: ConfigChange[] = [];
  const names = [...new Set([...Object.keys(current), ...Object.keys(desired)])].sort();
  for (const name of names) {
    const has = Object.hasOwn(current, name);
    const wants = Object.hasOwn(desired, name);
    if (has && wants && current[name] === desired[name]) continue;
    changes.push({
      field: `Environment.${name}`,
      from: has ? "(set)" : "(unset)",
      to: !wants ? "(removed)" : has ? "(new value)" : "(set)",
    });
  }
  return changes;
}
