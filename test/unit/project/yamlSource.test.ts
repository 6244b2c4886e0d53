import { test } from "node:test";
import assert from "node:assert/strict";
import { ManifestError } from "../../../emulator/project/errors";
import { YamlSource } from "../../../emulator/project/yamlSource";

const FILE = "/project/template.yaml";

function thrown(read: () => unknown): ManifestError {
  try {
    read();
  } catch (error) {
    assert.ok(error instanceof ManifestError, `expected a ManifestError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected an error");
}

test("a YAML syntax error names the file and the line of the mistake", () => {
  const error = thrown(() => YamlSource.parse(FILE, "Resources:\n  Fn:\n    Type: x\n   Bad: [1, 2\n"));
  assert.equal(error.file, FILE);
  assert.equal(error.line, 4);
  assert.equal(error.field, "(syntax)");
  assert.match(error.message, /^\/project\/template\.yaml:4: \(syntax\): .+; expected valid YAML$/);
});

test("a key written twice keeps the last value, with a warning at the second one", () => {
  const source = YamlSource.parse(FILE, "name: a\ninputs:\n  x: 1\n  x: 2\nname: b\n");
  assert.deepEqual(source.root.value, { name: "b", inputs: { x: 2 } });
  assert.deepEqual(
    source.warnings.map((w) => [w.line, w.field, w.name]),
    [
      [4, "inputs.x", "ManifestWarning"],
      [5, "name", "ManifestWarning"],
    ],
  );
  assert.match(source.warnings[1].message, /^\/project\/template\.yaml:5: name: key written twice in the same map \(first at line 1\); this later value is used/);
  assert.equal(source.root.child("name").line, 5, "a field's line is that of the value it holds");
});

test("CloudFormation short-form tags read as their long forms", () => {
  const source = YamlSource.parse(
    FILE,
    [
      "ref: !Ref Orders",
      "attr: !GetAtt Jobs.Arn",
      "nested: !GetAtt Stack.Outputs.Url",
      "attrList: !GetAtt [Jobs, QueueName]",
      "sub: !Sub '${Stage}-table'",
      "subList: !Sub ['${A}-x', {A: !Ref Stage}]",
      "join: !Join [':', [a, !Ref B]]",
      "if: !If [IsProd, big, small]",
      "select: !Select [0, !GetAZs '']",
      "split: !Split [',', 'a,b']",
      "map: !FindInMap [Map, Key, Value]",
      "import: !ImportValue shared-vpc",
      "b64: !Base64 hello",
      "cidr: !Cidr [10.0.0.0/16, 4, 8]",
      "cond: !And [!Equals [a, b], !Or [!Not [!Condition C1], !Condition C2]]",
    ].join("\n"),
  );
  assert.deepEqual(source.root.value, {
    ref: { Ref: "Orders" },
    attr: { "Fn::GetAtt": ["Jobs", "Arn"] },
    nested: { "Fn::GetAtt": ["Stack", "Outputs.Url"] },
    attrList: { "Fn::GetAtt": ["Jobs", "QueueName"] },
    sub: { "Fn::Sub": "${Stage}-table" },
    subList: { "Fn::Sub": ["${A}-x", { A: { Ref: "Stage" } }] },
    join: { "Fn::Join": [":", ["a", { Ref: "B" }]] },
    if: { "Fn::If": ["IsProd", "big", "small"] },
    select: { "Fn::Select": [0, { "Fn::GetAZs": "" }] },
    split: { "Fn::Split": [",", "a,b"] },
    map: { "Fn::FindInMap": ["Map", "Key", "Value"] },
    import: { "Fn::ImportValue": "shared-vpc" },
    b64: { "Fn::Base64": "hello" },
    cidr: { "Fn::Cidr": ["10.0.0.0/16", 4, 8] },
    cond: {
      "Fn::And": [{ "Fn::Equals": ["a", "b"] }, { "Fn::Or": [{ "Fn::Not": [{ Condition: "C1" }] }, { Condition: "C2" }] }],
    },
  });
});

test("fields inside a tagged list keep their lines", () => {
  const source = YamlSource.parse(FILE, "value: !Join\n  - ':'\n  - - a\n    - b\n");
  assert.equal(source.lineOf(["value", "Fn::Join", 1, 1]), 4);
});

test("a value of the wrong type names the field path, its line and what is expected", () => {
  const source = YamlSource.parse(FILE, "Resources:\n  Fn:\n    Properties:\n      MemorySize: big\n");
  const memory = source.field(["Resources", "Fn", "Properties", "MemorySize"]);
  const error = thrown(() => memory.number("a number (MB)"));
  assert.equal(
    error.message,
    '/project/template.yaml:4: Resources.Fn.Properties.MemorySize: got "big"; expected a number (MB)',
  );
});

test("typed reads accept what the clouds accept and refuse the rest", () => {
  const source = YamlSource.parse(
    FILE,
    "n: '256'\nb: 'True'\nlist: [a, b]\nmap: {k: 1}\nempty:\ns: text\nnum: 3\n",
  );
  const root = source.root;
  assert.equal(root.child("n").number(), 256);
  assert.equal(root.child("b").boolean(), true);
  assert.deepEqual(root.child("list").stringList("names"), ["a", "b"]);
  assert.deepEqual(root.child("s").stringList("names"), ["text"]);
  assert.equal(root.child("empty").string(), undefined, "an empty value reads as not given");
  assert.equal(root.child("absent").number(), undefined);
  assert.equal(root.child("num").text(), "3");
  assert.match(thrown(() => root.child("list").string("a handler")).problem, /^got a list; expected a handler$/);
  assert.match(thrown(() => root.child("map").items("a list of events")).problem, /^got a map; expected a list of events$/);
  assert.match(thrown(() => root.child("s").boolean()).problem, /^got "text"; expected true or false$/);
  assert.match(thrown(() => root.child("absent").requireString("a runtime name")).problem, /^missing; expected a runtime name$/);
});

test("a missing field is reported at the line of its nearest parent", () => {
  const source = YamlSource.parse(FILE, "# comment\nResources:\n  Fn:\n    Type: x\n    Properties:\n      Handler: a.b\n");
  assert.equal(source.lineOf(["Resources", "Fn", "Properties", "Runtime"]), 5);
  assert.equal(source.lineOf(["Resources", "Other"]), 2);
  assert.equal(source.field(["Resources", "Fn", "Properties", "Runtime"]).field, "Resources.Fn.Properties.Runtime");
});

test("list items are named by index in field paths", () => {
  const source = YamlSource.parse(FILE, "inputs:\n  events:\n    - timer: {}\n    - apigw:\n        name: x\n");
  const field = source.field(["inputs", "events", 1, "apigw", "name"]);
  assert.equal(field.field, "inputs.events[1].apigw.name");
  assert.equal(field.line, 5);
});
