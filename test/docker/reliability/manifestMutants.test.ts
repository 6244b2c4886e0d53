// 200 broken manifests, made deterministically from the real ones (examples/ and the
// project fixtures): lines deleted, duplicated, re-indented or swapped, aliases that
// contain themselves, billion laughs, scalars replaced by maps, lists, huge strings,
// odd numbers or null, truncation, tabs, `!Ref` and `${...}` loops, random bytes...
// Each sits next to a valid manifest. loadProject must never throw or hang, must place
// every problem at the mutant's file and a real line, and must still load the valid
// manifest's function. A few of the nastiest then go through the built CLI, which must
// print the located error and keep serving the valid function. No Docker needed: the
// CLI runs the valid function as a local process.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative } from "node:path";
import { loadProject } from "../../../emulator/project/loadProject";
import { CLI, EXAMPLES, REPO_ROOT } from "../../helpers/paths";

const SEED = 0x5eed_fa45;
const MUTANTS = 200;
const MANIFEST_NAMES = new Set(["serverless.yml", "serverless.yaml", "template.yaml", "template.yml", "faasbox.yml", "faasbox.yaml"]);
const SOURCE_ROOTS = [EXAMPLES, join(REPO_ROOT, "test", "fixtures", "projects")];

/** The manifest that must load whatever its neighbour does; its name is one no mutant can take. */
const CONTROL_NAME = "mutant-control-fn";
const CONTROL_FILES = {
  "control/serverless.yml": `component: scf
name: ${CONTROL_NAME}
inputs:
  name: ${CONTROL_NAME}
  src: ./
  runtime: Nodejs18.15
  events:
    - apigw:
        parameters:
          endpoints:
            - path: /control
              method: GET
              function:
                isIntegratedResponse: true
`,
  "control/index.js": `exports.main_handler = async () => ({ isBase64Encoded: false, statusCode: 200, headers: { "Content-Type": "text/plain" }, body: "control ok" });\n`,
};

/** mulberry32: small, fast and the same on every machine, unlike Math.random. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];
const int = (random: Random, min: number, max: number) => min + Math.floor(random() * (max - min + 1));

const lines = (text: string) => text.split("\n");
const indentOf = (line: string) => /^[ \t]*/.exec(line)![0];
/** Lines written as `key: value` or `key:`, with what is where. */
function keyLines(text: string): Array<{ index: number; indent: string; key: string; value: string }> {
  const found: Array<{ index: number; indent: string; key: string; value: string }> = [];
  lines(text).forEach((line, index) => {
    const match = /^( *)(?:- )?([\w.:-]+):(?: (.*))?$/.exec(line);
    if (match && !match[2].includes("//")) found.push({ index, indent: match[1], key: match[2], value: match[3] ?? "" });
  });
  return found;
}
type KeyLine = ReturnType<typeof keyLines>[number];
/**
 * A `key:` line to damage, of the kind wanted (`block`: nothing after the colon); when an
 * earlier mutation left none, one is appended so every mutation still has something to do.
 */
function chooseKey(text: string, random: Random, kind: "any" | "scalar" | "block" = "any"): { text: string; target: KeyLine; prefix: string } {
  const wanted = keyLines(text).filter((line) => kind === "any" || (kind === "block") === (line.value === ""));
  if (wanted.length === 0) {
    const extended = `${text.replace(/\n*$/, "\n")}${kind === "block" ? "extra:\n  inner: value" : "extra: value"}`;
    return chooseKey(extended, random, kind);
  }
  const target = pick(random, wanted);
  const line = lines(text)[target.index];
  return { text, target, prefix: line.slice(0, line.indexOf(target.key)) };
}
function replaceLine(text: string, index: number, replacement: string): string {
  const all = lines(text);
  all[index] = replacement;
  return all.join("\n");
}
function insertLines(text: string, index: number, inserted: string): string {
  const all = lines(text);
  all.splice(index, 0, ...inserted.replace(/\n$/, "").split("\n"));
  return all.join("\n");
}

function billionLaughs(indent: string, prefix: string): string {
  let block = `${indent}${prefix}0: &${prefix}0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n`;
  for (let level = 1; level < 10; level++) {
    block += `${indent}${prefix}${level}: &${prefix}${level} [${Array(10).fill(`*${prefix}${level - 1}`).join(", ")}]\n`;
  }
  return block;
}

const REPLACEMENTS = [
  "{ a: 1, b: [2, 3] }",
  "[1, 2, 3]",
  "[]",
  "{}",
  "null",
  "~",
  "-1",
  "0",
  "1e309",
  "-.inf",
  ".nan",
  "99999999999999999999999",
  "0.5",
  "true",
  '""',
  "!Ref",
  "!GetAtt [ ]",
  "!Sub { }",
  "!Ref { Nested: [1] }",
  "*nowhere",
];

type Mutation = (text: string, random: Random, file: string) => string | Buffer;

/** Every kind of damage, each picked in turn so that all of them are tried. */
const MUTATIONS: Record<string, Mutation> = {
  deleteLine(text, random) {
    const all = lines(text);
    all.splice(int(random, 0, all.length - 1), 1);
    return all.join("\n");
  },
  duplicateLine(text, random) {
    const all = lines(text);
    const at = int(random, 0, all.length - 1);
    all.splice(at, 0, all[at]);
    return all.join("\n");
  },
  swapIndentation(text, random) {
    const all = lines(text);
    const a = int(random, 0, all.length - 1);
    const b = int(random, 0, all.length - 1);
    const [ia, ib] = [indentOf(all[a]), indentOf(all[b])];
    all[a] = ib + all[a].slice(ia.length);
    all[b] = ia + all[b].slice(ib.length);
    return all.join("\n");
  },
  shiftIndentation(text, random) {
    const all = lines(text);
    const at = int(random, 0, all.length - 1);
    all[at] = random() < 0.5 ? `   ${all[at]}` : all[at].replace(/^ {1,2}/, "");
    return all.join("\n");
  },
  swapLines(text, random) {
    const all = lines(text);
    const at = int(random, 0, all.length - 2);
    [all[at], all[at + 1]] = [all[at + 1], all[at]];
    return all.join("\n");
  },
  aliasCycleList(text, random) {
    const { text: base, target, prefix } = chooseKey(text, random);
    return replaceLine(base, target.index, `${prefix}${target.key}: &cycle [*cycle]`);
  },
  aliasCycleMap(text, random) {
    // The anchor on a map the alias sits inside: `key: &cycle` then `  selfRef: *cycle` under it.
    const { text: base, target, prefix } = chooseKey(text, random, "block");
    // At the indentation of the block's first entry, so that it parses and the cycle is what is wrong.
    const next = lines(base)[target.index + 1] ?? "";
    const indent = indentOf(next).length > prefix.length ? indentOf(next) : `${" ".repeat(prefix.length)}  `;
    const entry = next.trimStart().startsWith("- ") ? `${indent}- selfRef: *cycle` : `${indent}selfRef: *cycle`;
    return insertLines(replaceLine(base, target.index, `${prefix}${target.key}: &cycle`), target.index + 1, entry);
  },
  aliasCycleNested(text, random) {
    // The whole document anchored, and referred to from a value inside it.
    const { text: base, target, prefix } = chooseKey(text, random);
    return `--- &root\n${replaceLine(base, target.index, `${prefix}${target.key}: [1, { deeper: *root }]`)}`;
  },
  billionLaughsTop(text) {
    return `${text.replace(/\n*$/, "\n")}${billionLaughs("", "lol")}`;
  },
  billionLaughsNested(text, random) {
    const { text: base, target } = chooseKey(text, random, "block");
    return insertLines(base, target.index + 1, billionLaughs(`${target.indent}  `, "bomb"));
  },
  replaceScalar(text, random) {
    const { text: base, target, prefix } = chooseKey(text, random, "scalar");
    return replaceLine(base, target.index, `${prefix}${target.key}: ${pick(random, REPLACEMENTS)}`);
  },
  hugeString(text, random) {
    const { text: base, target, prefix } = chooseKey(text, random, "scalar");
    return replaceLine(base, target.index, `${prefix}${target.key}: "${"x".repeat(int(random, 100_000, 1_000_000))}"`);
  },
  hugeList(text) {
    return `${text.replace(/\n*$/, "\n")}padding:\n${"  - item\n".repeat(20_000)}`;
  },
  deepNesting(text, random) {
    const { text: base, target, prefix } = chooseKey(text, random);
    const depth = int(random, 90, 3000);
    const nested = random() < 0.5 ? `${"[".repeat(depth)}${"]".repeat(depth)}` : `${"{a: ".repeat(depth)}1${"}".repeat(depth)}`;
    return replaceLine(base, target.index, `${prefix}${target.key}: ${nested}`);
  },
  truncate(text, random) {
    return text.slice(0, int(random, 0, text.length - 1));
  },
  insertTab(text, random) {
    const all = lines(text);
    const at = int(random, 0, all.length - 1);
    const column = int(random, 0, all[at].length);
    all[at] = `${all[at].slice(0, column)}\t${all[at].slice(column)}`;
    return all.join("\n");
  },
  refLoop(text, random, file) {
    if (basename(file).startsWith("serverless.")) {
      // The component's `${...}` variables: name → stage → name.
      let out = text.replace(/^name:.*$/m, "name: ${stage}-svc").replace(/^stage:.*$/m, "stage: ${name}");
      if (!/^name:/m.test(out)) out += "\nname: ${stage}-svc";
      if (!/^stage:/m.test(out)) out += "\nstage: ${name}";
      return out;
    }
    // Parameters whose defaults `!Ref` / `!Sub` each other, used by a property.
    const loop = "  LoopA:\n    Type: String\n    Default: !Ref LoopB\n  LoopB:\n    Type: String\n    Default: !Sub \"${LoopA}-x\"\n";
    const { text: base, target, prefix } = chooseKey(text, random, "scalar");
    const out = replaceLine(base, target.index, `${prefix}${target.key}: !Ref LoopA`);
    return /^Parameters:/m.test(out) ? out.replace(/^Parameters:\n/m, `Parameters:\n${loop}`) : `Parameters:\n${loop}${out}`;
  },
  selfRef(text, random) {
    const { text: base, target, prefix } = chooseKey(text, random, "scalar");
    return replaceLine(base, target.index, `${prefix}${target.key}: !Sub ["\${Me}", { Me: !Ref ${target.key.replace(/\W/g, "")} }]`);
  },
  randomBytes(text, random) {
    const bytes = Buffer.from(text);
    const at = int(random, 0, bytes.length);
    const noise = Buffer.from(Array.from({ length: int(random, 1, 48) }, () => int(random, 0, 255)));
    return Buffer.concat([bytes.subarray(0, at), noise, bytes.subarray(at)]);
  },
  unknownAlias(text, random) {
    const { text: base, target, prefix } = chooseKey(text, random);
    return replaceLine(base, target.index, `${prefix}${target.key}: *missing`);
  },
  redefinedAnchor(text, random) {
    const { text: base, target, prefix } = chooseKey(text, random, "scalar");
    return `shared: &a first\n${replaceLine(base, target.index, `${prefix}${target.key}: [&a second, *a, *a]`)}`;
  },
  mergeKey(text, random) {
    const { text: base, target } = chooseKey(text, random, "block");
    return `base: &base { Timeout: 9999, Runtime: [x] }\n${insertLines(base, target.index + 1, `${target.indent}  <<: *base`)}`;
  },
  documents(text, random) {
    const all = lines(text);
    all.splice(int(random, 0, all.length), 0, pick(random, ["---", "...", "--- !!map", "%YAML 1.1"]));
    return all.join("\n");
  },
  lineEndings(text, random) {
    return (random() < 0.5 ? "\uFEFF" : "") + text.replace(/\n/g, pick(random, ["\r\n", "\r"]));
  },
  empty(_text, random) {
    return pick(random, ["", "\n", "~\n", "[]\n", "42\n", "--- \n...\n"]);
  },
};
const KINDS = Object.keys(MUTATIONS);

interface Source {
  file: string;
  text: string;
}

function sources(): Source[] {
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (MANIFEST_NAMES.has(entry.name)) found.push(path);
    }
  };
  SOURCE_ROOTS.forEach(walk);
  return found.map((file) => ({ file, text: readFileSync(file, "utf8") }));
}

interface Mutant {
  id: number;
  kinds: string[];
  from: string;
  root: string;
  /** Absolute path of the mutant in its project. */
  file: string;
  lineCount: number;
}

/** The mutant's own folder, with the code it names (other manifests left out), next to the control manifest. */
function writeMutant(base: string, id: number, source: Source, kinds: string[], content: string | Buffer): Mutant {
  const root = join(base, `m${String(id).padStart(3, "0")}`);
  const isFaasbox = basename(source.file).startsWith("faasbox.");
  const folder = isFaasbox ? root : join(root, "mutant");
  mkdirSync(folder, { recursive: true });
  cpSync(dirname(source.file), folder, {
    recursive: true,
    filter: (path) => !MANIFEST_NAMES.has(basename(path)) || statSync(path).isDirectory(),
  });
  const file = join(folder, basename(source.file));
  writeFileSync(file, content);
  for (const [path, text] of Object.entries(CONTROL_FILES)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const lineCount = Buffer.from(content).toString("utf8").split(/\r\n|\r|\n/).length;
  return { id, kinds, from: relative(REPO_ROOT, source.file), root, file, lineCount };
}

function makeMutants(base: string): Mutant[] {
  const random = prng(SEED);
  const all = sources();
  assert.ok(all.length >= 10, `found only ${all.length} manifests to mutate`);
  const mutants: Mutant[] = [];
  for (let id = 0; id < MUTANTS; id++) {
    const source = pick(random, all);
    // Each kind in turn, sometimes followed by a second, random one.
    const kinds = [KINDS[id % KINDS.length]];
    if (random() < 0.25) kinds.push(pick(random, KINDS));
    let content: string | Buffer = source.text;
    for (const kind of kinds) {
      const text = Buffer.isBuffer(content) ? content.toString("latin1") : content;
      content = MUTATIONS[kind](text, random, source.file);
    }
    mutants.push(writeMutant(base, id, source, kinds, content));
  }
  return mutants;
}

interface Outcome {
  mutant: Mutant;
  problems: Array<{ file: string; line: number; field: string; message: string }>;
  functions: string[];
  ms: number;
}

const base = realpathSync(mkdtempSync(join(tmpdir(), "faasbox-mutants-")));
const outcomes: Outcome[] = [];
after(() => rmSync(base, { recursive: true, force: true }));

test(`${MUTANTS} mutated manifests: loadProject never throws, every problem is at the mutant's file and line, the valid manifest still loads`, { timeout: 180_000 }, (t) => {
  const started = Date.now();
  const mutants = makeMutants(base);
  const failures: string[] = [];
  for (const mutant of mutants) {
    const label = `#${mutant.id} ${mutant.kinds.join("+")} of ${mutant.from} (${mutant.root})`;
    const before = Date.now();
    let result: ReturnType<typeof loadProject>;
    try {
      result = loadProject(mutant.root, { env: {} });
    } catch (error) {
      failures.push(`${label}: threw ${(error as Error).stack ?? String(error)}`);
      continue;
    }
    const outcome: Outcome = {
      mutant,
      problems: result.problems.map((p) => ({ file: p.file, line: p.line, field: p.field, message: p.message })),
      functions: result.project.functions.map((fn) => fn.name),
      ms: Date.now() - before,
    };
    outcomes.push(outcome);
    for (const problem of outcome.problems) {
      if (problem.file !== mutant.file) failures.push(`${label}: a problem in another file: ${problem.message}`);
      if (!(Number.isInteger(problem.line) && problem.line >= 1 && problem.line <= mutant.lineCount + 1)) {
        failures.push(`${label}: line ${problem.line} is not a line of the file (${mutant.lineCount} lines): ${problem.message}`);
      }
      if (!problem.message.startsWith(`${problem.file}:${problem.line}: ${problem.field}: `)) failures.push(`${label}: not FILE:LINE: FIELD: ${problem.message}`);
      if (/bug in Faasbox/.test(problem.message)) failures.push(`${label}: hit a Faasbox bug: ${problem.message}`);
      // A message quoting a megabyte of the manifest is not readable in a terminal or an editor.
      if (problem.message.length > 3000) failures.push(`${label}: a ${problem.message.length}-character message: ${problem.message.slice(0, 200)}…`);
    }
    if (!outcome.functions.includes(CONTROL_NAME)) {
      failures.push(`${label}: the valid manifest's ${CONTROL_NAME} did not load (functions: ${outcome.functions.join(", ")})`);
    }
  }
  const clean = outcomes.filter((o) => o.problems.length === 0).length;
  const slowest = [...outcomes].sort((a, b) => b.ms - a.ms)[0];
  t.diagnostic(`${outcomes.length} mutants loaded: ${clean} cleanly, ${outcomes.length - clean} with problems; ${failures.length} failures`);
  t.diagnostic(`generated and loaded in ${Date.now() - started} ms; slowest: #${slowest?.mutant.id} ${slowest?.mutant.kinds.join("+")} in ${slowest?.ms} ms`);
  const byKind = new Map<string, { clean: number; problems: number }>();
  for (const o of outcomes) {
    const counts = byKind.get(o.mutant.kinds[0]) ?? { clean: 0, problems: 0 };
    counts[o.problems.length ? "problems" : "clean"]++;
    byKind.set(o.mutant.kinds[0], counts);
  }
  t.diagnostic([...byKind].map(([kind, c]) => `${kind} ${c.clean}/${c.problems}`).join(", "));
  assert.deepEqual(failures, []);
});

/** The CLI as a user runs it, on one mutant: it must print the located problem and serve the valid function. */
async function startOnMutant(outcome: Outcome): Promise<void> {
  const child = spawn(process.execPath, [CLI, "start", outcome.mutant.root, "--http-port", "0", "--invoke-port", "0", "--executor", "process"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  try {
    const gateway = await new Promise<string>((resolve, reject) => {
      const check = () => {
        const match = /HTTP gateway: (http:\/\/\S+)/.exec(output);
        if (match) resolve(match[1]);
      };
      child.stdout.on("data", check);
      void exited.then((code) => reject(new Error(`faasbox start exited with ${code}:\n${output}`)));
    });
    const [first] = outcome.problems;
    assert.ok(output.includes(`${first.file}:${first.line}: ${first.field}: `), `the located error is printed:\n${output}`);
    assert.doesNotMatch(output, /Maximum call stack|bug in Faasbox/);
    const body = await new Promise<string>((resolve, reject) => {
      get(`${gateway}/control`, (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`GET /control: ${res.statusCode} ${text}\n${output}`))));
      }).on("error", reject);
    });
    assert.equal(body, "control ok");
  } finally {
    child.kill("SIGTERM");
    const forced = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(forced);
  }
}

test("the built CLI, on the nastiest mutants, prints the located error and keeps serving the valid function", { timeout: 120_000 }, async (t) => {
  // One of each, where the damage is what gets reported (not a syntax error it happened to cause).
  const wanted: Array<[string, RegExp]> = [
    ["aliasCycleList", /would contain itself forever/],
    ["aliasCycleMap", /would contain itself forever/],
    ["aliasCycleNested", /would contain itself forever/],
    ["billionLaughsTop", /YAML bomb/],
    ["billionLaughsNested", /YAML bomb/],
    ["refLoop", /refers back to itself/],
    ["deepNesting", /nest/],
  ];
  const nastiest = wanted
    .map(([kind, problem]) => outcomes.find((o) => o.mutant.kinds[0] === kind && problem.test(o.problems[0]?.message ?? "")))
    .filter((o): o is Outcome => o !== undefined);
  assert.equal(nastiest.length, wanted.length, `an effective mutant of each kind: ${nastiest.map((o) => o.mutant.kinds[0]).join(", ")}`);
  for (const outcome of nastiest) {
    await startOnMutant(outcome);
    t.diagnostic(`#${outcome.mutant.id} ${outcome.mutant.kinds[0]}: ${outcome.problems[0].message.slice(0, 160)}`);
  }
});
