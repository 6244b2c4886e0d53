/** A manifest problem or warning as the emulator words it: `FILE:LINE: FIELD: MESSAGE` (see ManifestError). */
export interface LocatedMessage {
  file: string;
  /** 1-based. */
  line: number;
  field: string;
  message: string;
}

/**
 * The parts of `FILE:LINE: FIELD: MESSAGE`, or undefined for a message without a place (a
 * project folder that does not exist). FILE is absolute and may hold colons (Windows drives).
 */
export function parseLocated(text: string): LocatedMessage | undefined {
  const match = /^(.+?):(\d+): ([^:]+): ([\s\S]*)$/.exec(text);
  if (!match) return undefined;
  return { file: match[1], line: Number(match[2]), field: match[3], message: match[4] };
}
