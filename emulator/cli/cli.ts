import { FAASBOX_VERSION } from "../version";
import { BUILD_USAGE } from "./buildUsage";
import { DOCTOR_USAGE, doctorCommand } from "./doctor";
import { UsageError } from "./args";
import { INVOKE_USAGE, invokeCommand } from "./invoke";
import { START_USAGE, startCommand } from "./start";
import { STATUS_USAGE, statusCommand } from "./status";
import { LOGS_USAGE, logsCommand } from "./logs";
import { EVENT_USAGE, eventCommand } from "./event";
import { DEPLOY_USAGE, PACKAGE_USAGE } from "./deployUsage";
import { PUBLISH_DYNAMODB_USAGE, PUBLISH_EVENT_USAGE, PUBLISH_STREAM_USAGE } from "./publishSources";
import { DLQ_USAGE, PUBLISH_USAGE, TIMERS_USAGE, dlqCommand, publishCommand, timersCommand } from "./triggers";
import { TRIGGERS_USAGE, triggersCommand } from "./triggersList";

const HELP = `faasbox ${FAASBOX_VERSION}: run SCF and Lambda functions locally in warm Docker containers

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

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  doctor: (argv) => doctorCommand(argv),
  start: startCommand,
  invoke: invokeCommand,
  status: statusCommand,
  logs: logsCommand,
  event: eventCommand,
  publish: publishCommand,
  triggers: triggersCommand,
  timers: timersCommand,
  dlq: dlqCommand,
  // Loaded when used: the SCF, Lambda, COS and S3 SDKs would add a tenth of a second to every other command.
  build: async (argv) => (await import("./build")).buildCommand(argv),
  package: async (argv) => (await import("./deploy")).packageCommand(argv),
  deploy: async (argv) => (await import("./deploy")).deployCommand(argv),
};

export async function runCli(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === "-h" || first === "--help" || first === "help") {
    process.stdout.write(HELP);
    return first === undefined ? 2 : 0;
  }
  if (first === "-v" || first === "--version") {
    console.log(FAASBOX_VERSION);
    return 0;
  }
  const command = COMMANDS[first];
  if (!command) {
    console.error(`faasbox: unknown command '${first}'. Commands: ${Object.keys(COMMANDS).join(", ")}. See 'faasbox --help'.`);
    return 2;
  }
  try {
    return await command(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
}

