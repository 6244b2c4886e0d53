import { test } from "node:test";
import assert from "node:assert/strict";
import { utimesSync } from "node:fs";
import { join } from "node:path";
import { loadProject } from "../../../emulator/project/loadProject";
import { NODE_HANDLER, where, writeProject } from "./projectFiles";

function template(name: string, codeUri: string): string {
  return [
    "Transform: AWS::Serverless-2016-10-31",
    "Resources:",
    `  ${name}:`,
    "    Type: AWS::Serverless::Function",
    "    Properties:",
    `      CodeUri: ${codeUri}`,
    "      Handler: app.handler",
    "      Runtime: nodejs20.x",
    "",
  ].join("\n");
}

const WORKSPACE = {
  "orders/template.yaml": template("Orders", "src/"),
  "orders/src/app.js": NODE_HANDLER,
  "users/template.yml": template("Users", "src/"),
  "users/src/app.js": NODE_HANDLER,
  "faasbox.yml": "functions:\n  Users:\n    environment:\n      FROM_FAASBOX: \"yes\"\n",
};

test("several templates in one workspace, template.yml as well as template.yaml, all load without --template", () => {
  const root = writeProject(WORKSPACE);
  const { project, problems } = loadProject(root, { env: {} });
  assert.deepEqual(problems, []);
  assert.deepEqual(project.functions.map((f) => [f.name, f.codeDir]), [
    ["Orders", join(root, "orders", "src")],
    ["Users", join(root, "users", "src")],
  ]);
});

test("--template loads that template alone, with faasbox.yml, instead of every manifest", () => {
  const root = writeProject(WORKSPACE);
  const chosen = join(root, "users", "template.yml");
  const { project, problems } = loadProject(root, { env: {}, sam: { template: chosen } });
  assert.deepEqual(problems, []);
  assert.deepEqual(project.functions.map((f) => f.name), ["Users"]);
  assert.equal(project.functions[0].environment.FROM_FAASBOX, "yes");
  assert.deepEqual(project.manifests, [chosen, join(root, "faasbox.yml")]);
});

const BUILT = {
  "template.yaml": template("Hello", "hello/"),
  "hello/app.js": NODE_HANDLER,
  // sam build rewrites CodeUri to the built function's folder, relative to the build folder.
  ".aws-sam/build/template.yaml": template("Hello", "Hello"),
  ".aws-sam/build/Hello/app.js": NODE_HANDLER,
};

function age(root: string, file: string, secondsAgo: number): void {
  const when = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(join(root, file), when, when);
}

test("a sam build output newer than its template is read instead, CodeUri relative to the build folder, and said", () => {
  const root = writeProject(BUILT);
  age(root, "template.yaml", 60);
  const { project, problems, warnings } = loadProject(root, { env: {} });
  const built = join(root, ".aws-sam", "build", "template.yaml");
  assert.deepEqual(problems, []);
  assert.equal(project.functions[0].codeDir, join(root, ".aws-sam", "build", "Hello"));
  assert.equal(project.functions[0].source.file, built);
  assert.deepEqual(warnings.map(where), [{ file: built, line: 1, field: "(file)" }]);
  assert.match(warnings[0].problem, /^using the sam build output from \.aws-sam\/build\/template\.yaml \(newer than template\.yaml\)/);
  assert.ok(project.manifests.includes(built) && project.manifests.includes(join(root, "template.yaml")), "both are watched");
});

test("a sam build output older than its template is not used, and that is said too; --template takes the file as given", () => {
  const root = writeProject(BUILT);
  age(root, ".aws-sam/build/template.yaml", 60);
  const { project, warnings } = loadProject(root, { env: {} });
  assert.equal(project.functions[0].codeDir, join(root, "hello"));
  assert.match(warnings[0].problem, /^older than template\.yaml, so the source template and code are used/);

  age(root, "template.yaml", 120);
  const explicit = loadProject(root, { env: {}, sam: { template: join(root, "template.yaml") } });
  assert.equal(explicit.project.functions[0].codeDir, join(root, "hello"), "sam local with -t reads that file, no build look-up");
  assert.deepEqual(explicit.warnings, []);
});
