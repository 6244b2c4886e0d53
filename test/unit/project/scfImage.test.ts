import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { load, where, writeProject } from "./projectFiles";

test("an scf inputs.image function is an error at its line saying how to run the image locally; other functions load", () => {
  const root = writeProject({
    "image/serverless.yml": `component: scf
name: imagefn
inputs:
  name: imagefn
  type: event
  image:
    imageType: personal
    imageUri: ccr.ccs.tencentyun.com/sls-scf/nodejs_test:latest
`,
    "code/serverless.yml": "component: scf\nname: codefn\ninputs:\n  name: codefn\n  src: ./\n  handler: index.main_handler\n  runtime: Nodejs16.13\n",
    "code/index.js": "exports.main_handler = async () => 'ok';\n",
  });
  const { project, problems } = load(root);
  assert.deepEqual(project.functions.map((f) => f.name), ["codefn"]);
  assert.deepEqual(problems.map(where), [{ file: join(root, "image", "serverless.yml"), line: 6, field: "inputs.image" }]);
  assert.match(problems[0].problem, /SCF image functions do not run in Faasbox: .* HTTP server on port 9000 .*POST \/event-invoke/);
  assert.match(problems[0].problem, /docker run -p 9000:9000 ccr\.ccs\.tencentyun\.com\/sls-scf\/nodejs_test:latest/);
});
