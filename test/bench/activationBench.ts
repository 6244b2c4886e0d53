import { readFileSync } from "node:fs";
import { openWorkbench } from "../helpers/workbench";
import type { Row } from "./emulatorBench";

/** The extension's own activate() time, measured inside a real VS Code (code-server). */
export async function activationBench(): Promise<Row> {
  const workbench = await openWorkbench("activation activates");
  try {
    const ms = Number(readFileSync(`${workbench.resultsFile}.activation`, "utf8"));
    return { name: "extension activate() in code-server", value: `${ms.toFixed(1)} ms` };
  } finally {
    await workbench.close();
  }
}
