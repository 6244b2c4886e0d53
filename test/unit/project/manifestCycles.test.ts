// Manifests that refer to themselves: an alias inside the value it names, a `!Ref`,
// `!Sub` or `${...}` chain that comes back to where it started, Globals that contain
// themselves, and aliases that multiply (a billion laughs). Each is a FILE:LINE error
// naming the field, in every manifest format, and the project's other manifest still loads.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { join } from "node:path";
import { ManifestError, collectProblem } from "../../../emulator/project/errors";
import { load, SCF_NODE_HANDLER, where, writeProject } from "./projectFiles";

/** The manifest that must keep loading next to the broken one. */
const CONTROL = {
  "control/serverless.yml": "component: scf\nname: control-fn\ninputs:\n  src: ./\n  runtime: Nodejs18.15\n  name: control-fn\n",
  "control/index.js": SCF_NODE_HANDLER,
};

interface Expected {
  line: number;
  field: string;
  problem: RegExp;
}

/** Loads `file` with `text` next to the control manifest and checks the one problem it gives. */
function expectOneProblem(file: string, text: string, expected: Expected): void {
  const root = writeProject({ ...CONTROL, [file]: text, "bad/index.js": SCF_NODE_HANDLER, "bad/app.js": "" });
  const { project, problems } = load(root);
  assert.ok(
    project.functions.some((fn) => fn.name === "control-fn"),
    `the other manifest still loads; got ${project.functions.map((fn) => fn.name).join(", ") || "no functions"}`,
  );
  assert.deepEqual(
    problems.map(where),
    [{ file: join(root, file), line: expected.line, field: expected.field }],
    problems.map((p) => p.message).join("\n"),
  );
  assert.match(problems[0].problem, expected.problem);
  assert.ok(problems[0] instanceof ManifestError);
}

const ALIAS_CYCLE = /^\*\w+ is inside the value anchored &\w+ \(line \d+\), so that value would contain itself forever; expected an alias to a value outside it$/;
const BOMB = /^aliases expand to more than 100000 values by here \(a YAML bomb\?\); expected aliases that repeat small parts of the file$/;

/** Nine aliases per level, nine levels: 387 million values once expanded. */
function billionLaughs(indent: string): string {
  let text = `${indent}l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n`;
  for (let level = 1; level < 9; level++) {
    text += `${indent}l${level}: &l${level} [${Array(9).fill(`*l${level - 1}`).join(", ")}]\n`;
  }
  return text;
}

describe("serverless.yml", () => {
  test("a list that holds itself (`&x [*x]`) is refused at the alias", () => {
    expectOneProblem("bad/serverless.yml", "component: scf\nname: bad\ninputs:\n  src: ./\n  events: &x [*x]\n", {
      line: 5,
      field: "inputs.events[0]",
      problem: ALIAS_CYCLE,
    });
  });

  test("a map that holds itself through another map is refused at the alias, naming its anchor's line", () => {
    const text = "component: scf\nname: bad\ninputs: &inputs\n  src: ./\n  environment:\n    variables:\n      SELF: *inputs\n";
    expectOneProblem("bad/serverless.yml", text, {
      line: 7,
      field: "inputs.environment.variables.SELF",
      problem: /^\*inputs is inside the value anchored &inputs \(line 3\)/,
    });
  });

  test("`${...}` variables that lead back to themselves are an error at the first of them in the file, naming the chain", () => {
    const text = "component: scf\napp: shop\nstage: ${org}\norg: ${name}\nname: ${stage}-api\ninputs:\n  src: ./\n";
    expectOneProblem("bad/serverless.yml", text, {
      line: 3,
      field: "stage",
      problem: /^refers back to itself \(\$\{stage\} → \$\{org\} → \$\{name\} → \$\{stage\}\); expected variables that do not depend on their own value$/,
    });
  });

  test("a variable that uses itself is a loop of one", () => {
    expectOneProblem("bad/serverless.yml", "component: scf\nname: bad\nstage: ${stage}-x\ninputs:\n  src: ./\n  name: ${name}-${stage}\n", {
      line: 3,
      field: "stage",
      problem: /^refers back to itself \(\$\{stage\} → \$\{stage\}\)/,
    });
  });

  test("variables that use each other without a loop resolve (`name: ${app}-api`)", () => {
    const root = writeProject({ ...CONTROL, "bad/serverless.yml": "component: scf\napp: shop\nstage: dev\nname: ${app}-api\ninputs:\n  src: ./\n  name: ${name}-${stage}\n", "bad/index.js": SCF_NODE_HANDLER });
    const { project, problems } = load(root);
    assert.deepEqual(problems, []);
    assert.deepEqual(project.functions.map((fn) => fn.name).sort(), ["control-fn", "shop-api-dev"]);
  });

  test("a billion laughs is refused at the alias that makes the data too big", () => {
    expectOneProblem("bad/serverless.yml", `component: scf\nname: bad\n${billionLaughs("")}`, {
      line: 8,
      field: "l5[0]",
      problem: BOMB,
    });
  });
});

const SCF_TEMPLATE_HEAD = "Resources:\n  default:\n    Type: TencentCloud::Serverless::Namespace\n";

describe("SCF template.yaml", () => {
  test("a function whose properties hold the function is refused at the alias", () => {
    const text =
      SCF_TEMPLATE_HEAD +
      "    bad: &fn\n      Type: TencentCloud::Serverless::Function\n      Properties:\n        CodeUri: ./\n        Handler: index.main_handler\n        Runtime: Nodejs18.15\n        Environment: *fn\n";
    expectOneProblem("bad/template.yaml", text, { line: 10, field: "Resources.default.bad.Properties.Environment", problem: ALIAS_CYCLE });
  });

  test("Globals that contain themselves are refused at the alias", () => {
    const text =
      "Globals: &globals\n  Function:\n    Timeout: 3\n    Environment:\n      Variables: *globals\n" +
      SCF_TEMPLATE_HEAD +
      "    bad:\n      Type: TencentCloud::Serverless::Function\n      Properties:\n        CodeUri: ./\n        Runtime: Nodejs18.15\n";
    expectOneProblem("bad/template.yaml", text, {
      line: 5,
      field: "Globals.Function.Environment.Variables",
      problem: /^\*globals is inside the value anchored &globals \(line 1\)/,
    });
  });

  test("a billion laughs is refused", () => {
    expectOneProblem("bad/template.yaml", `${SCF_TEMPLATE_HEAD}Metadata:\n${billionLaughs("  ")}`, { line: 10, field: "Metadata.l5[0]", problem: BOMB });
  });
});

const SAM_HEAD = "Transform: AWS::Serverless-2016-10-31\n";
const SAM_FUNCTION =
  "Resources:\n  Bad:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: ./\n      Handler: app.handler\n      Runtime: nodejs20.x\n";

describe("SAM template.yaml", () => {
  test("a resource that holds itself is refused at the alias", () => {
    const text = `${SAM_HEAD}Resources:\n  Bad: &bad\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs20.x\n      Tags: [*bad]\n`;
    expectOneProblem("bad/template.yaml", text, { line: 7, field: "Resources.Bad.Properties.Tags[0]", problem: ALIAS_CYCLE });
  });

  test("an alias inside a `!Sub` to the `!Sub` itself is refused at the alias", () => {
    const text = `${SAM_HEAD}${SAM_FUNCTION}      Environment:\n        Variables:\n          NAME: &sub !Sub ["\${A}", { A: *sub }]\n`;
    expectOneProblem("bad/template.yaml", text, { line: 11, field: "Resources.Bad.Properties.Environment.Variables.NAME.Fn::Sub[1].A", problem: ALIAS_CYCLE });
  });

  test("Globals that contain themselves are refused at the alias", () => {
    const text = `${SAM_HEAD}Globals:\n  Function: &fn\n    Timeout: 3\n    Environment:\n      Variables:\n        ALL: *fn\n${SAM_FUNCTION}`;
    expectOneProblem("bad/template.yaml", text, { line: 7, field: "Globals.Function.Environment.Variables.ALL", problem: ALIAS_CYCLE });
  });

  test("parameters whose defaults `!Ref` each other in a loop are an error at the default that starts it", () => {
    const text =
      `${SAM_HEAD}Parameters:\n  First:\n    Type: String\n    Default: !Ref Second\n  Second:\n    Type: String\n    Default: !Ref First\n` +
      SAM_FUNCTION.replace("Runtime: nodejs20.x", "Runtime: !Ref First");
    expectOneProblem("bad/template.yaml", text, {
      line: 5,
      field: "Parameters.First.Default",
      problem: /^refers back to itself \(First → Second → First\); expected a default that does not depend on its own value$/,
    });
  });

  test("a parameter whose `!Sub` default uses itself is a loop too", () => {
    const text = `${SAM_HEAD}Parameters:\n  Name:\n    Type: String\n    Default: !Sub "\${Name}-x"\n${SAM_FUNCTION}`;
    expectOneProblem("bad/template.yaml", text, {
      line: 5,
      field: "Parameters.Name.Default",
      problem: /^refers back to itself \(Name → Name\)/,
    });
  });

  test("a `!Sub` variable named like the parameter is the Sub's own, not a loop; chains without a loop resolve", () => {
    const text =
      `${SAM_HEAD}Parameters:\n  Stage:\n    Default: !Sub ["\${Stage}-1", { Stage: dev }]\n  Name:\n    Default: !Sub "\${Stage}-api"\n  Runtime:\n    Default: !Ref Node\n  Node:\n    Default: nodejs20.x\n` +
      SAM_FUNCTION.replace("Runtime: nodejs20.x", "Runtime: !Ref Runtime\n      FunctionName: !Ref Name");
    const root = writeProject({ ...CONTROL, "bad/template.yaml": text, "bad/app.js": "" });
    const { project, problems } = load(root);
    assert.deepEqual(problems, []);
    const bad = project.functions.find((fn) => fn.name !== "control-fn");
    assert.equal(bad?.runtime, "nodejs20.x");
  });

  test("a billion laughs is refused", () => {
    expectOneProblem("bad/template.yaml", `${SAM_HEAD}Metadata:\n${billionLaughs("  ")}${SAM_FUNCTION}`, {
      line: 8,
      field: "Metadata.l5[0]",
      problem: BOMB,
    });
  });
});

describe("faasbox.yml", () => {
  test("a function's settings that hold themselves are refused; the other manifests' functions load without them", () => {
    const text = "functions:\n  bad: &bad\n    runtime: nodejs20.x\n    handler: app.handler\n    environment:\n      SELF: *bad\n";
    expectOneProblem("faasbox.yml", text, { line: 6, field: "functions.bad.environment.SELF", problem: ALIAS_CYCLE });
  });

  test("defaults that hold the whole file are refused at the alias", () => {
    expectOneProblem("faasbox.yml", "root: &root\n  defaults:\n    nested: [*root]\n", { line: 3, field: "root.defaults.nested[0]", problem: ALIAS_CYCLE });
  });

  test("a billion laughs is refused", () => {
    expectOneProblem("faasbox.yml", `images:\n${billionLaughs("  ")}`, { line: 7, field: "images.l5[0]", problem: BOMB });
  });
});

describe("any YAML manifest", () => {
  test("an alias to an anchor that is not there is an error at the alias (not at line 1)", () => {
    expectOneProblem("bad/serverless.yml", "component: scf\nname: bad\ninputs:\n  src: ./\n  handler: *nowhere\n", {
      line: 5,
      field: "inputs.handler",
      problem: /^\*nowhere names no anchor; expected &nowhere on a value before it$/,
    });
  });

  test("nesting deeper than any manifest is refused at its line", () => {
    const deep = `${"[".repeat(150)}${"]".repeat(150)}`;
    expectOneProblem("bad/serverless.yml", `component: scf\nname: bad\ninputs:\n  src: ./\n  deep: ${deep}\n`, {
      line: 5,
      field: `inputs.deep${"[0]".repeat(99)}`,
      problem: /^nested more than 100 levels deep; expected a shallower structure$/,
    });
  });

  test("aliases may repeat a value many times, as long as the copies stay small", () => {
    const uses = Array.from({ length: 300 }, (_, i) => `    V${i}: *shared`).join("\n");
    const text = `component: scf\nname: bad\nshared: &shared value\ninputs:\n  src: ./\n  environment:\n    variables:\n${uses.replaceAll("    V", "      V")}\n`;
    const root = writeProject({ ...CONTROL, "bad/serverless.yml": text, "bad/index.js": SCF_NODE_HANDLER });
    const { project, problems } = load(root);
    assert.deepEqual(problems, []);
    assert.equal(Object.keys(project.functions.find((fn) => fn.name === "bad-dev-bad")!.environment).length, 300);
  });
});

describe("a bug in Faasbox while reading one manifest", () => {
  test("is reported at that file as a Faasbox bug, and the other manifests still load", (t) => {
    const root = writeProject({ ...CONTROL, "bad/serverless.yml": "component: scf\nname: bad\n", "bad/index.js": SCF_NODE_HANDLER });
    const bad = join(root, "bad", "serverless.yml");
    const readFileSync = fs.readFileSync;
    // A reader that gets something it never expects (text that is not a string): the YAML parser throws a TypeError.
    const notAString = new String("component: scf\nname: bad\n") as unknown as string;
    t.mock.method(fs, "readFileSync", ((path: fs.PathOrFileDescriptor, options?: unknown) =>
      path === bad ? notAString : readFileSync(path, options as BufferEncoding)) as typeof fs.readFileSync);
    const { project, problems } = load(root);
    assert.deepEqual(project.functions.map((fn) => fn.name), ["control-fn"]);
    assert.deepEqual(problems.map(where), [{ file: bad, line: 1, field: "(file)" }]);
    assert.match(problems[0].problem, /^Faasbox failed to read this \(TypeError: .+\); this is a bug in Faasbox, please report it with this file$/);
  });

  test("in a later step of one function is reported at that function, which is left out; the others load", (t) => {
    const root = writeProject({
      ...CONTROL,
      "bad/serverless.yml": "component: scf\nname: bad\ninputs:\n  src: ./\n",
      "bad/index.js": SCF_NODE_HANDLER,
      "bad/.env": "A=1\n",
    });
    const env = join(root, "bad", ".env");
    const readFileSync = fs.readFileSync;
    // The code folder's .env is read after the manifest, when the function's variables are layered.
    t.mock.method(fs, "readFileSync", ((path: fs.PathOrFileDescriptor, options?: unknown) => {
      if (path === env) throw new TypeError("simulated");
      return readFileSync(path, options as BufferEncoding);
    }) as typeof fs.readFileSync);
    const { project, problems } = load(root);
    assert.deepEqual(project.functions.map((fn) => fn.name), ["control-fn"]);
    assert.deepEqual(problems.map(where), [{ file: join(root, "bad", "serverless.yml"), line: 2, field: "name" }]);
    assert.match(problems[0].problem, /^Faasbox failed to read this \(TypeError: simulated\); this is a bug in Faasbox/);
  });

  test("collectProblem passes a bug up unless it knows where the unit is written", () => {
    const problems: ManifestError[] = [];
    assert.throws(() => collectProblem(problems, () => JSON.parse("{")), SyntaxError);
    assert.equal(collectProblem(problems, () => JSON.parse("{"), () => ({ file: "/p/faasbox.yml", line: 4, field: "functions.x" })), undefined);
    assert.deepEqual(problems.map(where), [{ file: "/p/faasbox.yml", line: 4, field: "functions.x" }]);
    assert.ok(problems[0].cause instanceof SyntaxError);
  });
});
