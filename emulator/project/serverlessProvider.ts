import { isPlainMap } from "./yamlSource";

/**
 * The cloud a Serverless Framework service deploys to: `provider: aws` or
 * `provider: {name: aws}` (https://www.serverless.com/framework/docs/providers/aws/guide/serverless.yml;
 * the Tencent plugin's reference writes `provider: {name: tencent}`,
 * https://github.com/serverless-tencent/serverless-tencent-scf/blob/master/docs/en/yaml.md).
 */
export function providerName(data: unknown): string | undefined {
  if (!isPlainMap(data)) return undefined;
  const provider = data.provider;
  if (typeof provider === "string") return provider;
  return isPlainMap(provider) && typeof provider.name === "string" ? provider.name : undefined;
}

/** For a file that does not parse: does its text say it is a Serverless Framework service for `name`? */
export function mentionsProvider(text: string, name: string): boolean {
  const short = new RegExp(`^provider\\s*:\\s*["']?${name}["']?\\s*(#.*)?$`, "m");
  const long = new RegExp(`^provider\\s*:\\s*(#.*)?\\n(?:[ \\t]+.*\\n|[ \\t]*\\n)*?[ \\t]+name\\s*:\\s*["']?${name}\\b`, "m");
  return short.test(text) || long.test(text);
}
