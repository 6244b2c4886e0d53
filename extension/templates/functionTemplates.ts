// Files for "Faasbox: New Function": Node.js, Python or Java (javaTemplates.ts), an HTTP, timer or topic
// trigger, in Tencent's serverless.yml or AWS SAM's template.yaml. Pure: it returns
// file contents, the command writes them.

import { javaTemplate } from "./javaTemplates";
import { webTemplate } from "./webTemplates";

export type Language = "nodejs" | "python" | "java";
/** `web`: an SCF Web function (its own Express or Flask server, see webTemplates.ts); SCF only. */
export type TriggerKind = "http" | "timer" | "topic" | "web";
type EventTrigger = Exclude<TriggerKind, "web">;
export type ManifestFormat = "scf" | "sam";

export interface TemplateChoice {
  name: string;
  language: Language;
  trigger: TriggerKind;
  format: ManifestFormat;
}

export interface TemplateFiles {
  /** Relative path → content. */
  files: Record<string, string>;
  /** The file to open first. */
  handlerFile: string;
  /** Files to make executable (a web function's scf_bootstrap). */
  executable?: string[];
}

export function isValidFunctionName(name: string): boolean {
  return /^[A-Za-z][A-Za-z0-9-_]{0,59}$/.test(name);
}

function pascal(name: string): string {
  return name.split(/[-_]/).filter(Boolean).map((p) => p[0].toUpperCase() + p.slice(1)).join("");
}

/**
 * The SAM resource's logical id for a function name: CloudFormation logical ids are
 * alphanumeric (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resources-section-structure.html),
 * so `hello-http` becomes `HelloHttp`; the function keeps its name as FunctionName, which allows
 * hyphens and underscores (https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html#lambda-CreateFunction-request-FunctionName).
 */
export function samLogicalId(name: string): string {
  return pascal(name);
}

function scfEvent(trigger: EventTrigger, name: string): string {
  switch (trigger) {
    case "http":
      return `    - apigw:\n        parameters:\n          protocols: [http, https]\n          endpoints:\n            - path: /${name}\n              method: GET`;
    case "timer":
      return `    - timer:\n        name: ${name}-every-5-minutes\n        parameters:\n          # SCF cron: second minute hour day month week year\n          cronExpression: "0 */5 * * * * *"\n          enable: true\n          argument: hello`;
    case "topic":
      return `    - cmq:\n        name: ${name}-topic\n        parameters:\n          name: ${name}-topic\n          enable: true`;
  }
}

function samEvent(trigger: EventTrigger, name: string): string {
  switch (trigger) {
    case "http":
      return `        Http:\n          Type: HttpApi\n          Properties:\n            Path: /${name}\n            Method: GET`;
    case "timer":
      return `        Every5Minutes:\n          Type: Schedule\n          Properties:\n            Schedule: rate(5 minutes)`;
    case "topic":
      return `        Topic:\n          Type: SNS\n          Properties:\n            Topic: !Ref ${pascal(name)}Topic`;
  }
}

function manifest(choice: TemplateChoice, handler: string): { file: string; text: string } {
  const { name, language } = choice;
  const trigger = choice.trigger as EventTrigger;
  if (choice.format === "scf") {
    const runtime = language === "nodejs" ? "Nodejs18.15" : "Python3.9";
    return {
      file: "serverless.yml",
      text: `component: scf\nname: ${name}\n\ninputs:\n  # Without it the component names the function ${name}-dev-${name}\n  name: ${name}\n  src: ./\n  handler: ${handler}\n  runtime: ${runtime}\n  region: ap-guangzhou\n  memorySize: 128\n  timeout: 3\n  events:\n${scfEvent(trigger, name)}\n`,
    };
  }
  const runtime = language === "nodejs" ? "nodejs20.x" : "python3.12";
  const topic = trigger === "topic" ? `\n  ${pascal(name)}Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: ${name}-topic\n` : "";
  return {
    file: "template.yaml",
    text: `AWSTemplateFormatVersion: "2010-09-09"\nTransform: AWS::Serverless-2016-10-31\n\nResources:\n  ${samLogicalId(name)}:\n    Type: AWS::Serverless::Function\n    Properties:\n      FunctionName: ${name}\n      CodeUri: ./\n      Handler: ${handler}\n      Runtime: ${runtime}\n      MemorySize: 128\n      Timeout: 3\n      Events:\n${samEvent(trigger, name)}\n${topic}`,
  };
}

function nodeHandler(choice: TemplateChoice, exportName: string): string {
  const scf = choice.format === "scf";
  const requestId = scf ? "context.request_id" : "context.awsRequestId";
  switch (choice.trigger as EventTrigger) {
    case "http":
      return scf
        ? `'use strict';\n\n// API gateway trigger: the event has path, queryString, headers and body;\n// return an integrated response.\nexports.${exportName} = async (event, context) => {\n  const name = (event.queryString && event.queryString.name) || 'world';\n  console.log(\`request \${${requestId}} for \${event.path}\`);\n  return {\n    isBase64Encoded: false,\n    statusCode: 200,\n    headers: { 'Content-Type': 'application/json' },\n    body: JSON.stringify({ message: \`Hello, \${name}!\` }),\n  };\n};\n`
        : `'use strict';\n\n// HTTP API trigger (payload 2.0): a plain object result becomes the JSON body.\nexports.${exportName} = async (event, context) => {\n  const name = (event.queryStringParameters && event.queryStringParameters.name) || 'world';\n  console.log(\`request \${${requestId}} for \${event.rawPath}\`);\n  return { message: \`Hello, \${name}!\` };\n};\n`;
    case "timer":
      return scf
        ? `'use strict';\n\n// Timer trigger: { Type: "Timer", TriggerName, Time, Message }.\nexports.${exportName} = async (event, context) => {\n  console.log(\`timer \${event.TriggerName} fired at \${event.Time}: \${event.Message}\`);\n  return { done: true };\n};\n`
        : `'use strict';\n\n// Schedule trigger: an EventBridge "Scheduled Event".\nexports.${exportName} = async (event, context) => {\n  console.log(\`scheduled run at \${event.time} (\${${requestId}})\`);\n  return { done: true };\n};\n`;
    case "topic":
      return scf
        ? `'use strict';\n\n// CMQ topic trigger: event.Records[].CMQ.msgBody.\nexports.${exportName} = async (event, context) => {\n  for (const record of event.Records) console.log(\`message \${record.CMQ.msgId}: \${record.CMQ.msgBody}\`);\n  return { processed: event.Records.length };\n};\n`
        : `'use strict';\n\n// SNS trigger: event.Records[].Sns.Message.\nexports.${exportName} = async (event, context) => {\n  for (const record of event.Records) console.log(\`message \${record.Sns.MessageId}: \${record.Sns.Message}\`);\n  return { processed: event.Records.length };\n};\n`;
  }
}

function pythonHandler(choice: TemplateChoice, functionName: string): string {
  const scf = choice.format === "scf";
  const requestId = scf ? "context['request_id']" : "context.aws_request_id";
  switch (choice.trigger as EventTrigger) {
    case "http":
      return scf
        ? `import json\n\n\ndef ${functionName}(event, context):\n    """API gateway trigger: return an integrated response."""\n    name = (event.get("queryString") or {}).get("name", "world")\n    print(f"request {${requestId}} for {event.get('path')}")\n    return {\n        "isBase64Encoded": False,\n        "statusCode": 200,\n        "headers": {"Content-Type": "application/json"},\n        "body": json.dumps({"message": f"Hello, {name}!"}),\n    }\n`
        : `import json\n\n\ndef ${functionName}(event, context):\n    """HTTP API trigger (payload 2.0)."""\n    name = (event.get("queryStringParameters") or {}).get("name", "world")\n    print(f"request {${requestId}} for {event.get('rawPath')}")\n    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps({"message": f"Hello, {name}!"})}\n`;
    case "timer":
      return scf
        ? `def ${functionName}(event, context):\n    """Timer trigger: {Type: "Timer", TriggerName, Time, Message}."""\n    print(f"timer {event['TriggerName']} fired at {event['Time']}: {event.get('Message')}")\n    return {"done": True}\n`
        : `def ${functionName}(event, context):\n    """Schedule trigger: an EventBridge Scheduled Event."""\n    print(f"scheduled run at {event.get('time')} ({${requestId}})")\n    return {"done": True}\n`;
    case "topic":
      return scf
        ? `def ${functionName}(event, context):\n    """CMQ topic trigger."""\n    for record in event["Records"]:\n        print(f"message {record['CMQ']['msgId']}: {record['CMQ']['msgBody']}")\n    return {"processed": len(event["Records"])}\n`
        : `def ${functionName}(event, context):\n    """SNS trigger."""\n    for record in event["Records"]:\n        print(f"message {record['Sns']['MessageId']}: {record['Sns']['Message']}")\n    return {"processed": len(event["Records"])}\n`;
  }
}

/** The triggers New Function offers for a language: Java has HTTP and timer templates, and no web function. */
export function triggersFor(language: Language): TriggerKind[] {
  return language === "java" ? ["http", "timer"] : ["http", "timer", "topic", "web"];
}

export function functionTemplate(choice: TemplateChoice): TemplateFiles {
  if (!triggersFor(choice.language).includes(choice.trigger)) throw new Error(`no ${choice.language} template for a ${choice.trigger} trigger; expected one of ${triggersFor(choice.language).join(", ")}`);
  if (choice.language === "java") return javaTemplate(choice.name, choice.trigger as "http" | "timer", choice.format, samLogicalId(choice.name));
  if (choice.trigger === "web") return webTemplate(choice.name, choice.language);
  const exportName = choice.format === "scf" ? "main_handler" : "handler";
  const handlerFile = choice.language === "nodejs" ? "index.js" : "index.py";
  const code = choice.language === "nodejs" ? nodeHandler(choice, exportName) : pythonHandler(choice, exportName);
  const { file, text } = manifest(choice, `index.${exportName}`);
  return { files: { [file]: text, [handlerFile]: code }, handlerFile };
}
