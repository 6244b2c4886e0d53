// Functions the trigger-event tests add to the workspace, written by the code New Function…
// uses; DRIVER_TIMER is left never invoked for the driver, which clicks its Invoke lens.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { functionTemplate, type Language, type ManifestFormat, type TriggerKind } from "../../../extension/templates/functionTemplates";

export const DRIVER_TIMER = "py-timer";
/** Debugged before anything ran it: its trigger's event must be the one it gets. */
export const DEBUGGED_TIMER = "debug-timer";

export const GENERATED: Array<{ name: string; language: Language; trigger: TriggerKind; format: ManifestFormat }> = [
  { name: "hello-timer", language: "nodejs", trigger: "timer", format: "scf" },
  { name: "aws-timer", language: "python", trigger: "timer", format: "sam" },
  { name: "hello-topic", language: "nodejs", trigger: "topic", format: "scf" },
  { name: "aws-topic", language: "nodejs", trigger: "topic", format: "sam" },
  { name: "hello-http", language: "nodejs", trigger: "http", format: "scf" },
  { name: "aws-http", language: "nodejs", trigger: "http", format: "sam" },
  { name: DRIVER_TIMER, language: "python", trigger: "timer", format: "scf" },
  { name: DEBUGGED_TIMER, language: "python", trigger: "timer", format: "scf" },
];

export const BUCKET_FUNCTION = "photo-sink";

export function writeTriggerEventFunctions(root: string): void {
  for (const choice of GENERATED) {
    const { files } = functionTemplate(choice);
    mkdirSync(join(root, choice.name), { recursive: true });
    for (const [file, content] of Object.entries(files)) writeFileSync(join(root, choice.name, file), content);
  }
  const bucket = join(root, BUCKET_FUNCTION);
  mkdirSync(bucket, { recursive: true });
  writeFileSync(join(bucket, "template.yaml"), [
    "Transform: AWS::Serverless-2016-10-31",
    "Resources:",
    "  Photos:",
    "    Type: AWS::S3::Bucket",
    "    Properties: { BucketName: photos }",
    "  PhotoSink:",
    "    Type: AWS::Serverless::Function",
    "    Properties:",
    `      FunctionName: ${BUCKET_FUNCTION}`,
    "      CodeUri: ./",
    "      Handler: index.handler",
    "      Runtime: nodejs20.x",
    "      Events:",
    "        Uploaded:",
    "          Type: S3",
    "          Properties:",
    "            Bucket: !Ref Photos",
    "            Events: s3:ObjectCreated:*",
    "            Filter: { S3Key: { Rules: [{ Name: prefix, Value: uploads/ }] } }",
    "",
  ].join("\n"));
  writeFileSync(join(bucket, "index.js"), "exports.handler = async (event) => {\n  console.log(`object ${event.Records[0].s3.object.key}`);\n  return { key: event.Records[0].s3.object.key };\n};\n");
}
