/**
 * Builds an AWS SDK client without its Node.js version notice. The SDK emits it once per
 * copy of @aws-sdk/core, through process.emitWarning, on Node.js older than it will need
 * in a year; the editor's extension host logs that as an error on the first deploy, about
 * a Node.js the user does not choose (VS Code's). The opt-out is the one AWS documents
 * (https://github.com/aws/aws-sdk-js-v3/issues/7983): while it is set the SDK marks its
 * notice as given, so the variable is set only around the construction and put back, and
 * other code in the process (other extensions' SDKs) keeps its own warnings.
 */
export function withoutNodeVersionNotice<T>(create: () => T): T {
  const name = "AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED";
  const before = process.env[name];
  process.env[name] = "true";
  try {
    return create();
  } finally {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  }
}
