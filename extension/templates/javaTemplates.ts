// "New Function" → Java: a handler class under src/main/java and a build.sh that compiles it with
// the JDK alone (javac and jar; no Maven, Gradle or downloaded library), for SCF or SAM, with an HTTP
// or a timer trigger. The handlers take the event as a Map and no Context, which both clouds allow,
// so nothing outside the JDK is needed to compile them:
// - Lambda: its Java handler page shows methods with and without the Context parameter
//   (https://docs.aws.amazon.com/lambda/latest/dg/java-handler.html);
// - SCF: the Context parameter may be left out (https://cloud.tencent.com/document/product/583/12214).

export type JavaTrigger = "http" | "timer";
export type JavaFormat = "scf" | "sam";

export interface JavaTemplateFiles {
  files: Record<string, string>;
  executable: string[];
  handlerFile: string;
}

/** SCF's Java names are Java8 and Java11 (https://cloud.tencent.com/document/product/583/67366); its API's Runtime list names Java8. */
const SCF_RUNTIME = "Java8";
/**
 * Lambda's java21 (supported until 2029; java17 and java11 are past their deprecation dates,
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-java.html). build.sh compiles for Java 17, which
 * java21 runs and so does the JDK 17 Debian 12 ships.
 */
const SAM_RUNTIME = "java21";
const HANDLER_FILE = "src/main/java/example/Hello.java";

function buildScript(name: string, release: number, format: JavaFormat): string {
  const output = format === "sam"
    ? `# SAM's CodeUri is the jar (classes at its root), as sam deploy uploads it.\njar cf target/${name}.jar -C target/classes .\necho "built target/${name}.jar"`
    : `# SCF's src is target/classes: faasbox deploy zips it with the classes at the zip's root.\necho "built target/classes"`;
  return `#!/bin/sh
# Builds the function with the JDK alone (javac${format === "sam" ? " and jar" : ""}): no Maven or Gradle needed.
# Run it after each change; Faasbox runs what it builds.
set -e
cd "$(dirname "$0")"
rm -rf target/classes
mkdir -p target/classes
javac --release ${release} -encoding UTF-8 -d target/classes $(find src/main/java -name '*.java')
${output}
`;
}

function scfManifest(name: string, trigger: JavaTrigger): string {
  const event = trigger === "http"
    ? `    - apigw:\n        parameters:\n          protocols: [http, https]\n          endpoints:\n            - path: /${name}\n              method: GET`
    : `    - timer:\n        name: ${name}-every-5-minutes\n        parameters:\n          # SCF cron: second minute hour day month week year\n          cronExpression: "0 */5 * * * * *"\n          enable: true\n          argument: hello`;
  return `component: scf\nname: ${name}\n\ninputs:\n  name: ${name}\n  # Built by ./build.sh: the compiled classes, zipped with the classes at the root on deploy\n  src: ./target/classes\n  handler: example.Hello::mainHandler\n  runtime: ${SCF_RUNTIME}\n  region: ap-guangzhou\n  memorySize: 256\n  timeout: 10\n  events:\n${event}\n`;
}

function samManifest(name: string, logicalId: string, trigger: JavaTrigger): string {
  const event = trigger === "http"
    ? `        Http:\n          Type: HttpApi\n          Properties:\n            Path: /${name}\n            Method: GET`
    : `        Every5Minutes:\n          Type: Schedule\n          Properties:\n            Schedule: rate(5 minutes)`;
  return `AWSTemplateFormatVersion: "2010-09-09"\nTransform: AWS::Serverless-2016-10-31\n\nResources:\n  ${logicalId}:\n    Type: AWS::Serverless::Function\n    Properties:\n      FunctionName: ${name}\n      # Built by ./build.sh\n      CodeUri: target/${name}.jar\n      Handler: example.Hello::handleRequest\n      Runtime: ${SAM_RUNTIME}\n      MemorySize: 512\n      Timeout: 10\n      Events:\n${event}\n`;
}

function scfHandler(trigger: JavaTrigger): string {
  if (trigger === "http") {
    return `package example;

import java.util.HashMap;
import java.util.Map;

/** API gateway trigger: the event has path, queryString, headers and body; return an integrated response. */
public class Hello {
    public Map<String, Object> mainHandler(Map<String, Object> event) {
        Object query = event.get("queryString");
        Object name = query instanceof Map ? ((Map<?, ?>) query).get("name") : null;
        String who = name == null ? "world" : name.toString();
        System.out.println("request for " + event.get("path"));
        Map<String, Object> headers = new HashMap<>();
        headers.put("Content-Type", "text/plain; charset=utf-8");
        Map<String, Object> response = new HashMap<>();
        response.put("isBase64Encoded", false);
        response.put("statusCode", 200);
        response.put("headers", headers);
        response.put("body", "Hello, " + who + "!");
        return response;
    }
}
`;
  }
  return `package example;

import java.util.HashMap;
import java.util.Map;

/** Timer trigger: { Type: "Timer", TriggerName, Time, Message }. */
public class Hello {
    public Map<String, Object> mainHandler(Map<String, Object> event) {
        System.out.println("timer " + event.get("TriggerName") + " fired at " + event.get("Time") + ": " + event.get("Message"));
        Map<String, Object> result = new HashMap<>();
        result.put("done", true);
        return result;
    }
}
`;
}

function samHandler(trigger: JavaTrigger): string {
  if (trigger === "http") {
    return `package example;

import java.util.HashMap;
import java.util.Map;

/** HTTP API trigger (payload 2.0): a plain object result becomes the JSON body. */
public class Hello {
    public Map<String, Object> handleRequest(Map<String, Object> event) {
        Object query = event.get("queryStringParameters");
        Object name = query instanceof Map ? ((Map<?, ?>) query).get("name") : null;
        String who = name == null ? "world" : name.toString();
        System.out.println("request for " + event.get("rawPath"));
        Map<String, Object> result = new HashMap<>();
        result.put("message", "Hello, " + who + "!");
        return result;
    }
}
`;
  }
  return `package example;

import java.util.HashMap;
import java.util.Map;

/** Schedule trigger: an EventBridge "Scheduled Event". */
public class Hello {
    public Map<String, Object> handleRequest(Map<String, Object> event) {
        System.out.println("scheduled run at " + event.get("time"));
        Map<String, Object> result = new HashMap<>();
        result.put("done", true);
        return result;
    }
}
`;
}

export function javaTemplate(name: string, trigger: JavaTrigger, format: JavaFormat, logicalId: string): JavaTemplateFiles {
  const scf = format === "scf";
  return {
    files: {
      [scf ? "serverless.yml" : "template.yaml"]: scf ? scfManifest(name, trigger) : samManifest(name, logicalId, trigger),
      [HANDLER_FILE]: scf ? scfHandler(trigger) : samHandler(trigger),
      "build.sh": buildScript(name, scf ? 8 : 17, format),
    },
    executable: ["build.sh"],
    handlerFile: HANDLER_FILE,
  };
}
