import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * Events saved per function in the workspace, .faasbox/events/FUNCTION/NAME.json, so
 * they can be committed and shared like test fixtures.
 */
export class SavedEvents {
  constructor(private readonly root: string) {}

  private folder(fn: string): string {
    return join(this.root, ".faasbox", "events", fn);
  }

  static validName(name: string): boolean {
    return /^[\w][\w .-]{0,63}$/.test(name);
  }

  async list(fn: string): Promise<string[]> {
    const files = await readdir(this.folder(fn)).catch(() => [] as string[]);
    return files.filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5)).sort();
  }

  async read(fn: string, name: string): Promise<string> {
    return readFile(join(this.folder(fn), `${name}.json`), "utf8");
  }

  async save(fn: string, name: string, text: string): Promise<void> {
    if (!SavedEvents.validName(name)) throw new Error(`"${name}" is not a usable event name: use letters, digits, spaces, dots, dashes or underscores`);
    JSON.parse(text); // only valid events are saved
    await mkdir(this.folder(fn), { recursive: true });
    await writeFile(join(this.folder(fn), `${name}.json`), text.endsWith("\n") ? text : `${text}\n`);
  }

  async delete(fn: string, name: string): Promise<void> {
    await rm(join(this.folder(fn), `${name}.json`), { force: true });
  }
}
