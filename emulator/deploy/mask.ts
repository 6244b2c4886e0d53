/**
 * A credential as it may be shown: the first and last 4 characters of an ID, enough to
 * tell two keys apart ("AKID****1234"), never the middle. Short values show nothing.
 */
export function maskSecret(value: string): string {
  if (value.length < 12) return "****";
  return `${value.slice(0, 4)}****${value.slice(-4)}`;
}

/**
 * Replaces every occurrence of the given secrets in a text by their masked form. Cloud
 * error messages and SDK errors may echo a key back; anything printed goes through here.
 */
export function redact(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let result = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    result = result.split(secret).join(maskSecret(secret));
  }
  return result;
}
