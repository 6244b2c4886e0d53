import { FAASBOX_VERSION } from "../version";
import { BUILD_USAGE } from "./buildUsage";
import { DOCTOR_USAGE } from "./doctorUsage";
import { INVOKE_USAGE } from "./invokeArgs";
import { START_USAGE } from "./startUsage";
import { STATUS_USAGE } from "./status";
import { LOGS_USAGE } from "./logs";
import { EVENT_USAGE } from "./event";
import { DEPLOY_USAGE, PACKAGE_USAGE } from "./deployUsage";
import { PUBLISH_DYNAMODB_USAGE, PUBLISH_EVENT_USAGE, PUBLISH_STREAM_USAGE } from "./publishSources";
import { DLQ_USAGE, PUBLISH_USAGE, TIMERS_USAGE } from "./triggers";
import { TRIGGERS_USAGE } from "./triggersList";

// `faasbox --help`. Loaded only when asked for: it names every command's usage line, so it loads those commands' modules.
export const HELP = `faasbox ${FAASBOX_VERSION}: run SCF and Lambda functions locally in warm Docker containers

Usage: faasbox COMMAND [options]

Commands:
  start               run the emulator on a project until Ctrl-C
      ${START_USAGE}
  build               copy each function's code to .faasbox/build/NAME and install its dependencies there, in its runtime image (like sam build)
      ${BUILD_USAGE}
  invoke              run a function once, print its result (stdout) and logs (stderr)
      ${INVOKE_USAGE}
  status              show the emulator running for a project (--json: its connection info)
      ${STATUS_USAGE}
  logs                print a project's kept logs; -f follows new ones
      ${LOGS_USAGE}
  publish             publish messages to a topic or queue, an event to an EventBridge bus, or records to a Kinesis or DynamoDB stream
      ${PUBLISH_USAGE}
      ${PUBLISH_EVENT_USAGE}
      ${PUBLISH_STREAM_USAGE}
      ${PUBLISH_DYNAMODB_USAGE}
  triggers            list what a running emulator serves: HTTP routes and function URLs with their addresses, timers, topics, buckets
      ${TRIGGERS_USAGE}
  timers              list timers with their next fire time; enable, disable or fire one now
      ${TIMERS_USAGE}
  dlq                 list asynchronous events that failed every retry; replay one
      ${DLQ_USAGE}
  package             build the deterministic zip a deploy uploads, and check the provider's size limits
      ${PACKAGE_USAGE}
  deploy              create or update functions in Tencent Cloud SCF or AWS Lambda (plan first)
${DEPLOY_USAGE}
  event               print a sample event of a trigger type in a cloud's shape
      ${EVENT_USAGE}
  doctor              check Node.js, the Docker engine, the runtime images and the project's databases, and say what to fix
      ${DOCTOR_USAGE}

Options:
  -h, --help          show this help
  -v, --version       print the version
`;
