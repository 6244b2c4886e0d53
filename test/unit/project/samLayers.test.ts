import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { mergedLayers } from "../../../emulator/core/layers/layerCache";
import { layerEnv } from "../../../emulator/core/runtime/layerEnv";
import { load, NODE_HANDLER, where, writeProject } from "./projectFiles";

const TEMPLATE = `Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Layers:
      - !Ref Shared
Resources:
  Shared:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/shared/
  Plain:
    Type: AWS::Lambda::LayerVersion
    Properties:
      Content: layers/plain
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: nodejs20.x
      Layers:
        - !GetAtt Plain.LayerVersionArn
        - arn:aws:lambda:us-east-1:123456789012:layer:remote:3
`;

test("Layers: Globals' first, then the function's, as host folders; an ARN is a warning saying how to provide it", () => {
  const root = writeProject({
    "template.yaml": TEMPLATE,
    "src/app.js": NODE_HANDLER,
    "layers/shared/nodejs/node_modules/a/index.js": "",
    "layers/plain/python/b.py": "",
  });
  const { project, problems, warnings } = load(root);
  assert.deepEqual(problems, []);
  assert.deepEqual(project.functions[0].layers, [join(root, "layers/shared"), join(root, "layers/plain")]);
  assert.equal(warnings.length, 1);
  assert.deepEqual(where(warnings[0]), { file: join(root, "template.yaml"), line: 23, field: "Resources.Fn.Properties.Layers[1]" });
  assert.match(warnings[0].problem, /layer:remote:3 is in the cloud and is not loaded locally.*AWS::Serverless::LayerVersion/);
});

test("a layer in S3, a missing folder or a reference to a non-layer is an error naming file, line and field", () => {
  const root = writeProject({
    "template.yaml": `Transform: AWS::Serverless-2016-10-31
Resources:
  InS3:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: { Bucket: b, Key: k }
  Missing:
    Type: AWS::Lambda::LayerVersion
    Properties:
      Content: nowhere/
  A:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: nodejs20.x
      Layers: [!Ref InS3]
  B:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: nodejs20.x
      Layers: [!Ref A]
`,
    "src/app.js": NODE_HANDLER,
  });
  const { project, problems } = load(root);
  assert.deepEqual(project.functions, []);
  const file = join(root, "template.yaml");
  assert.deepEqual(problems.map(where), [
    { file, line: 6, field: "Resources.InS3.Properties.ContentUri" },
    { file, line: 10, field: "Resources.Missing.Properties.Content" },
    { file, line: 17, field: "Resources.A.Properties.Layers[0]" },
    { file, line: 24, field: "Resources.B.Properties.Layers[0]" },
  ]);
  assert.match(problems[0].problem, /S3.*expected a local folder or \.zip/);
  assert.match(problems[1].problem, /does not exist/);
  assert.match(problems[2].problem, /the layer InS3 could not be read/);
  assert.match(problems[3].problem, /A is not a layer of this template/);
});

test("layers merge in order into one cached folder: the later one's file wins, zips included, mount points made", async () => {
  const root = writeProject({
    "one/nodejs/node_modules/m/index.js": "one",
    "one/only-one.txt": "1",
    "two/nodejs/node_modules/m/index.js": "two",
  });
  // A zip written by hand: one stored entry, python/z.py.
  const zip = join(root, "three.zip");
  writeFileSync(zip, storedZip("python/z.py", "print('z')\n"));
  const cache = join(root, "cache");
  const mounts = { dirs: ["faasbox/shims"], files: ["faasbox/agent/faasbox-agent"] };
  const merged = await mergedLayers([join(root, "one"), join(root, "two"), zip], cache, mounts);
  assert.equal(readFileSync(join(merged, "nodejs/node_modules/m/index.js"), "utf8"), "two");
  assert.equal(readFileSync(join(merged, "only-one.txt"), "utf8"), "1");
  assert.equal(readFileSync(join(merged, "python/z.py"), "utf8"), "print('z')\n");
  assert.deepEqual(readdirSync(join(merged, "faasbox")).sort(), ["agent", "shims"]);
  assert.equal(await mergedLayers([join(root, "one"), join(root, "two"), zip], cache, mounts), merged, "unchanged layers: the same folder");
  const reversed = await mergedLayers([join(root, "two"), join(root, "one")], cache, mounts);
  assert.equal(readFileSync(join(reversed, "nodejs/node_modules/m/index.js"), "utf8"), "one");
  writeFileSync(join(root, "two/nodejs/node_modules/m/index.js"), "two, changed");
  const changed = await mergedLayers([join(root, "one"), join(root, "two"), zip], cache, mounts);
  assert.notEqual(changed, merged);
  assert.equal(readFileSync(join(changed, "nodejs/node_modules/m/index.js"), "utf8"), "two, changed");
});

test("the runtimes' module paths point into /opt only for a function with layers", () => {
  const base = { name: "f", family: "nodejs", runtime: "nodejs20.x" } as Parameters<typeof layerEnv>[0];
  assert.deepEqual(layerEnv(base, "/opt", "/usr/bin"), {});
  assert.equal(layerEnv({ ...base, layers: ["/x"] }, "/opt", "/usr/bin").NODE_PATH, "/opt/nodejs/node20/node_modules:/opt/nodejs/node_modules");
  const python = layerEnv({ ...base, family: "python", runtime: "python3.12", layers: ["/x"] }, "/opt", "/usr/bin");
  assert.equal(python.PYTHONPATH, "/opt/python/lib/python3.12/site-packages:/opt/python");
  assert.equal(python.PATH, "/usr/bin:/opt/bin");
});

/** A minimal zip with one stored (uncompressed) file, made by Unix (mode 0644). */
function storedZip(name: string, content: string): Buffer {
  const nameBytes = Buffer.from(name);
  const data = Buffer.from(content);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(10, 4);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE((3 << 8) | 20, 4);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  central.writeUInt32LE((0o100644 << 16) >>> 0, 38);
  central.writeUInt32LE(0, 42);
  const directoryOffset = local.length + nameBytes.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + nameBytes.length, 12);
  end.writeUInt32LE(directoryOffset, 16);
  return Buffer.concat([local, nameBytes, data, central, nameBytes, end]);
}
