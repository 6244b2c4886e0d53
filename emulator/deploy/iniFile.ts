/**
 * The keys of one `[section]` of an INI file such as ~/.tencentcloud/credentials:
 * `key = value` lines, `#` and `;` comments, surrounding quotes dropped. Enough for
 * credential files, which hold nothing fancier.
 */
export function readIniSection(text: string, section: string): Record<string, string> | undefined {
  let current: string | undefined;
  let found: Record<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (header) {
      current = header[1];
      if (current === section) found ??= {};
      continue;
    }
    const equals = line.indexOf("=");
    if (current !== section || equals < 0 || !found) continue;
    const key = line.slice(0, equals).trim();
    const value = line.slice(equals + 1).trim().replace(/^(["'])(.*)\1$/, "$2");
    found[key] = value;
  }
  return found;
}
