/** JSON text as a value, or `fallback` when the text is not JSON (an event being edited). */
export function parseOr(text: string, fallback: unknown): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
  }
}
