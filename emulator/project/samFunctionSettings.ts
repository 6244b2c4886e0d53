import { compact } from "./manifestFunction";
import type { FunctionSpec } from "./spec";
import type { YamlField } from "./yamlSource";

/** The spec fields these settings give; undefined where the template leaves them out. */
export type SettingsFields = Pick<FunctionSpec, "reservedConcurrency" | "asyncRetries" | "asyncMaxEventAgeSec">;

/**
 * Settings that change how the function is called, read so that they do the same locally.
 * `property` gives a property with Globals applied (SAM) or as written (Lambda).
 */
export function readBehaviourSettings(property: (key: string) => YamlField, warn: (field: YamlField, message: string) => void): SettingsFields {
  // "To throttle a function, set the reserved concurrency to zero": every call is refused.
  // https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
  const reservedField = property("ReservedConcurrentExecutions");
  const reservedConcurrency = reservedField.integer("a whole number of at least 0", 0);
  if (reservedConcurrency === 0) {
    warn(reservedField, "0 throttles every call to this function, locally as in the cloud (asynchronous events are dead-lettered after their retries)");
  }

  // https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-eventinvokeconfiguration.html
  // Ranges: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-eventinvokeconfig.html
  const config = property("EventInvokeConfig");
  const retriesField = config.child("MaximumRetryAttempts");
  const asyncRetries = retriesField.integer("a whole number from 0 to 2", 0);
  if (asyncRetries !== undefined && asyncRetries > 2) throw retriesField.wrongType("a whole number from 0 to 2");
  const ageField = config.child("MaximumEventAgeInSeconds");
  const asyncMaxEventAgeSec = ageField.integer("a whole number of seconds from 60 to 21600", 60);
  if (asyncMaxEventAgeSec !== undefined && asyncMaxEventAgeSec > 21600) throw ageField.wrongType("a whole number of seconds from 60 to 21600");

  const destinations = config.child("DestinationConfig");
  for (const [outcome, destination] of destinations.entries("a map with OnSuccess and/or OnFailure")) {
    warn(
      destination,
      `${outcome} destinations are not delivered locally: nothing is sent to ${describeTarget(destination.child("Destination").value)}; ` +
        "failed asynchronous events are kept in Faasbox's dead-letter list instead (faasbox dlq)",
    );
  }
  // SAM's DeadLetterQueue and Lambda's DeadLetterConfig both name the target as TargetArn.
  for (const key of ["DeadLetterQueue", "DeadLetterConfig"]) {
    const dlq = property(key);
    if (!dlq.isSet) continue;
    warn(
      dlq,
      `failed asynchronous events are not sent to ${describeTarget(dlq.child("TargetArn").value)} locally; ` +
        "they are kept in Faasbox's dead-letter list, where faasbox dlq lists and replays them",
    );
  }
  return compact<SettingsFields>({ reservedConcurrency, asyncRetries, asyncMaxEventAgeSec });
}

function describeTarget(value: unknown): string {
  if (typeof value === "string") return value;
  if (value && typeof value === "object") {
    const [kind, argument] = Object.entries(value)[0] ?? [];
    if (kind && (typeof argument === "string" || Array.isArray(argument))) return `${Array.isArray(argument) ? argument[0] : argument} (${kind})`;
  }
  return "the target";
}
