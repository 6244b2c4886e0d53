import type { YamlField } from "./yamlSource";

/**
 * Properties Faasbox reads (or refuses with an error) somewhere else; anything else a
 * function says is either quiet metadata or told here with what it means locally.
 */
const READ = new Set([
  "Handler", "Runtime", "CodeUri", "InlineCode", "Code", "MemorySize", "Timeout", "Environment", "Events", "FunctionName",
  "PackageType", "ImageUri", "Layers", "ReservedConcurrentExecutions", "EventInvokeConfig", "DeadLetterQueue", "DeadLetterConfig",
  "FunctionUrlConfig",
]);

/** Metadata with no effect on how code runs: a warning each would be noise. */
const QUIET = new Set(["Description", "Tags", "PropagateTags"]);

const NO_IAM = "there is no IAM locally: the code runs with the credentials its environment gives it and nothing is denied";
const NO_VERSIONS = "there are no versions or aliases locally: every call runs the current code";

/** What each property means locally, for the ones that would change behaviour in the cloud. */
const MEANINGS: Record<string, string> = {
  VpcConfig: "functions run on the local network; no VPC, subnets or security groups apply",
  Tracing: "no X-Ray traces are recorded locally",
  TracingConfig: "no X-Ray traces are recorded locally",
  Policies: NO_IAM,
  Role: NO_IAM,
  RolePath: NO_IAM,
  PermissionsBoundary: NO_IAM,
  AssumeRolePolicyDocument: NO_IAM,
  AutoPublishAlias: NO_VERSIONS,
  AutoPublishAliasAllProperties: NO_VERSIONS,
  AutoPublishCodeSha256: NO_VERSIONS,
  VersionDescription: NO_VERSIONS,
  VersionPruningPolicy: NO_VERSIONS,
  DeploymentPreference: `${NO_VERSIONS}, so there is no gradual deployment or its hooks`,
  ProvisionedConcurrencyConfig: "no instances are kept warm for it locally; set minWarm in faasbox.yml for that",
  KmsKeyArn: "environment variables are not encrypted locally",
  FileSystemConfigs: "no EFS file system is mounted locally",
  EphemeralStorage: "/tmp is the container's own, not sized to this",
  SnapStart: "no snapshots locally: every cold start runs the initialisation code",
  RuntimeManagementConfig: "the local image's runtime version is used",
  LoggingConfig: "logs go to Faasbox (faasbox logs, the editor), not CloudWatch; the log format and levels are not applied",
  CodeSigningConfigArn: "code signatures are not checked locally",
  ImageConfig: "container image settings do not apply to a zip function",
  RecursiveLoop: "recursive loops are not detected or stopped locally",
  Connectors: NO_IAM,
};

/**
 * One warning per property the function sets and Faasbox does not use, at its line.
 * `Architectures` is quiet when it names this machine's, since then nothing differs.
 */
export function ignoredPropertyWarnings(properties: YamlField, warn: (field: YamlField, message: string) => void, alsoRead: readonly string[] = []): void {
  for (const [key, field] of properties.entries()) {
    if (READ.has(key) || QUIET.has(key) || alsoRead.includes(key)) continue;
    if (key === "Architectures") {
      const machine = process.arch === "arm64" ? "arm64" : "x86_64";
      const wanted = Array.isArray(field.value) ? field.value : [field.value];
      if (wanted.some((arch) => arch !== machine)) warn(field, `runs on this machine's architecture (${machine}), not ${wanted.join(", ")}: native dependencies built for the cloud may not load`);
      continue;
    }
    warn(field, MEANINGS[key] ?? "not read by Faasbox: it has no effect locally");
  }
}
