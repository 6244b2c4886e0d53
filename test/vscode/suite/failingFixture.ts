// Functions that fail, written into the test workspace (a copy of examples/) by the suite
// (suite/logs.test.ts) and invoked again by the driver (extension.test.ts): a Node.js handler
// that throws (also behind an HTTP route and a timer), a Python handler that raises, and a
// Node.js module that cannot load (an init failure).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const THROWER = "Thrower";
export const PY_RAISER = "PyRaiser";
export const BROKEN_INIT = "BrokenInit";
export const THROWER_TIMER = "Nightly";
/** The folder under the workspace, and the line of app.js that throws. */
export const FAILING_FOLDER = "failing";
export const THROW_LINE = 3;

const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  ${THROWER}:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ./
      Handler: app.handler
      Runtime: nodejs20.x
      Timeout: 10
      Events:
        Http:
          Type: HttpApi
          Properties:
            Path: /thrower
            Method: GET
        ${THROWER_TIMER}:
          Type: Schedule
          Properties:
            Schedule: rate(1 day)
            Enabled: false
  ${PY_RAISER}:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ./
      Handler: raiser.handler
      Runtime: python3.12
      Timeout: 10
  ${BROKEN_INIT}:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ./
      Handler: broken.handler
      Runtime: nodejs20.x
      Timeout: 10
`;

const THROWER_JS = `exports.handler = async (event) => {
  console.log("about to fail");
  throw new Error("boom");
};
`;

const RAISER_PY = `def handler(event, context):
    print("about to raise")
    raise ValueError("bad input")
`;

const BROKEN_JS = `const missing = require("./not-there");
exports.handler = async () => missing();
`;

/** Writes the functions into `root`/failing. */
export function writeFailingFunctions(root: string): void {
  const folder = join(root, FAILING_FOLDER);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, "template.yaml"), TEMPLATE);
  writeFileSync(join(folder, "app.js"), THROWER_JS);
  writeFileSync(join(folder, "raiser.py"), RAISER_PY);
  writeFileSync(join(folder, "broken.js"), BROKEN_JS);
}
