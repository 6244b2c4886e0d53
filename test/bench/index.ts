// `npm run bench`: measures, prints a table and writes test-results/bench.json.
// Benchmarks report numbers; they assert nothing.
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { resolveImages } from "../../emulator/config/images";
import { connectDocker } from "../../emulator/core/docker/engine";
import { ARTIFACTS, REPO_ROOT } from "../helpers/paths";
import { containerStartFloor } from "./containerFloor";
import { emulatorBench, type Row } from "./emulatorBench";
import { coldStartBench } from "./coldStartBench";
import { changeDeliveryBench } from "./changeDeliveryBench";
import { activationBench } from "./activationBench";
import { cliBench } from "./cliBench";
import { agentBench } from "./agentBench";
import { gatewayBench } from "./gatewayBench";
import { debugBench } from "./debugBench";
import { idleMemoryBench } from "./idleMemoryBench";
import { javaBench } from "./javaBench";
import { databaseBench } from "./databaseBench";
import { machine, ms, percentile } from "./stats";
import { fixedTaskMs } from "./machineSpeed";
import { warmPathProfiles } from "./warmPathProfiles";
import { goalTable } from "./goals";

async function main(): Promise<void> {
  const rows: Row[] = [];
  const docker = connectDocker();
  const floor = await containerStartFloor(docker, resolveImages().nodejs.image, 20);
  rows.push({ name: "container create+start+exit (node -e 0), p50", value: ms(percentile(floor, 50)), figures: { "floor.p50": percentile(floor, 50) } });
  rows.push({ name: "container create+start+exit (node -e 0), p95", value: ms(percentile(floor, 95)) });
  rows.push(...(await coldStartBench(percentile(floor, 50))));
  const speed = [fixedTaskMs()];
  rows.push(...(await emulatorBench()));
  rows.push(...(await agentBench()));
  rows.push(...(await javaBench()));
  rows.push(...(await debugBench()));
  rows.push(...(await idleMemoryBench()));
  speed.push(fixedTaskMs());
  rows.push(...(await gatewayBench()));
  rows.push(...(await databaseBench()));
  rows.push(...(await cliBench()));
  rows.push(await activationBench());
  rows.push(...(await changeDeliveryBench()));
  speed.push(fixedTaskMs());
  rows.push({ name: "the machine's speed: one core's time for a fixed task (SHA-256 of 128 MiB), before the warm path / before the gateway / at the end", value: speed.map(ms).join(" / ") });
  rows.push({ name: "CPU profiles of the warm path (taken after the measured parts)", value: (await warmPathProfiles()).map((file) => relative(REPO_ROOT, file)).join(", ") });
  const vsix = join(REPO_ROOT, "dist", "faasbox.vsix");
  try {
    rows.push({ name: ".vsix size", value: `${(statSync(vsix).size / 1024).toFixed(0)} KiB` });
  } catch {
    rows.push({ name: ".vsix size", value: "not built (npm run package)" });
  }

  console.log(`Machine: ${machine()}; ${bundleKind()}\n`);
  console.log("| measure | value |\n|---|---|");
  for (const row of rows) console.log(`| ${row.name} | ${row.value} |`);
  const goals = goalTable(rows);
  console.log(`\n${goals.text}\n\n${goals.met} of ${goals.total} goals met in this run.`);
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(ARTIFACTS, "bench.json"), JSON.stringify({ machine: machine(), bundles: bundleKind(), rows, goals: goals.text }, null, 2));
}

/** Which bundles ran: scripts/bench.sh builds the production ones, and unminified ones for --profile. */
function bundleKind(): string {
  // A development bundle links its source map at its end; a production one has none.
  return readFileSync(join(REPO_ROOT, "dist", "cli-engine.js"), "utf8").trimEnd().split("\n").at(-1)!.startsWith("//# sourceMappingURL=") ? "development bundles (unminified, for --profile)" : "production bundles (minified, as the .vsix ships them)";
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
