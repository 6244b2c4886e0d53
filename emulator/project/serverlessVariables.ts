import { existsSync, readFileSync } from "node:fs";
import { dirname, extname, resolve } from "node:path";
import { ManifestWarning } from "./errors";
import type { ReadContext } from "./manifestFunction";
import { isPlainMap, YamlSource, type FieldPath, type YamlField } from "./yamlSource";

/**
 * The Serverless Framework's `${source:address, fallback}` variables, resolved the way
 * `serverless` resolves them before deploying:
 * https://www.serverless.com/framework/docs/providers/aws/guide/variables
 * Sources that can be known here (self, env, opt, sls, file, aws:region, stage params)
 * are resolved; cloud-only ones (ssm, cf, s3, secrets manager, dashboard params) use their
 * fallback, else a visible placeholder, and are listed as warnings. Anything else that
 * cannot be resolved is an error at the field that uses it.
 */
export class ServerlessVariables {
  private readonly data: unknown;
  private readonly resolved = new Map<string, unknown>();
  private readonly resolving: string[] = [];

  constructor(
    private readonly root: YamlField,
    private readonly context: ReadContext,
    /** The provider's region when neither --region nor provider.region says: us-east-1 for AWS, ap-guangzhou for the Tencent plugin. */
    private readonly defaultRegion = "us-east-1",
  ) {
    this.data = root.value;
  }

  /** The subtree at `path` with every variable in it replaced; throws a ManifestError at the first that cannot be. */
  resolve(path: FieldPath): unknown {
    const key = JSON.stringify(path);
    if (this.resolved.has(key)) return this.resolved.get(key);
    const start = this.resolving.indexOf(key);
    if (start >= 0) {
      const loop = [...this.resolving.slice(start), key].map((p) => `\${self:${(JSON.parse(p) as string[]).join(".")}}`);
      throw this.field(JSON.parse(this.resolving[start]) as FieldPath).fail(
        `refers back to itself (${loop.join(" → ")}); expected variables that do not depend on their own value`,
      );
    }
    this.resolving.push(key);
    try {
      const value = this.resolveRaw(path);
      this.resolved.set(key, value);
      return value;
    } finally {
      this.resolving.pop();
    }
  }

  /**
   * `${sls:stage}` is documented as `${opt:stage, self:provider.stage, "dev"}`:
   * https://www.serverless.com/framework/docs/guides/variables/core (section sls:stage).
   */
  stage(): string {
    const value = this.context.cliOptions?.stage ?? this.resolve(["provider", "stage"]);
    return typeof value === "string" && value !== "" ? value : "dev";
  }

  /** `--region`, else provider.region, else the provider's default (AWS: us-east-1; the framework does not read AWS_REGION). */
  region(): string {
    const value = this.context.cliOptions?.region ?? this.resolve(["provider", "region"]);
    return typeof value === "string" && value !== "" ? value : this.defaultRegion;
  }

  private field(path: FieldPath): YamlField {
    return this.root.source.field(path);
  }

  /** Walks the written data; a value reached through a variable (`custom: ${file(x.yml)}`) is resolved first. */
  private resolveRaw(path: FieldPath): unknown {
    let node: unknown = this.data;
    for (let i = 0; i < path.length; i++) {
      if (typeof node === "string" && node.includes("${")) {
        // The parent is itself a variable: its resolved value is already fully resolved.
        return childAt(this.resolve(path.slice(0, i)), path.slice(i));
      }
      node = childAt(node, [path[i]]);
    }
    if (typeof node === "string") return this.resolveString(node, this.field(path));
    if (Array.isArray(node)) return node.map((_, index) => this.resolve([...path, index]));
    if (isPlainMap(node)) return Object.fromEntries(Object.keys(node).map((key) => [key, this.resolve([...path, key])]));
    return node;
  }

  /** A whole-value variable keeps its type (`memorySize: ${self:custom.memory}` stays a number); embedded ones become text. */
  private resolveString(text: string, at: YamlField): unknown {
    const parts = splitVariables(text);
    if (parts.length === 1 && typeof parts[0] !== "string") return this.resolveVariable(parts[0].inner, at);
    return parts.map((part) => (typeof part === "string" ? part : asText(this.resolveVariable(part.inner, at), part.inner, at))).join("");
  }

  /** `source:address, fallback, ...`: the first candidate that gives a value wins, as the docs' fallback rule says. */
  private resolveVariable(inner: string, at: YamlField): unknown {
    const candidates = splitTopLevel(inner, ",").map((c) => c.trim());
    const reasons: string[] = [];
    let cloudOnly: string | undefined;
    for (const candidate of candidates) {
      const literal = literalValue(candidate);
      if (literal !== undefined) {
        if (cloudOnly) this.warnCloudOnly(cloudOnly, at, `the fallback ${candidate} is used`);
        return literal;
      }
      const whole = splitVariables(candidate);
      if (whole.length === 1 && typeof whole[0] !== "string") {
        // A fallback written as a variable of its own: `${opt:stage, ${env:STAGE}}`.
        const value = this.resolveVariable(whole[0].inner, at);
        if (cloudOnly) this.warnCloudOnly(cloudOnly, at, `the fallback ${candidate} is used`);
        return value;
      }
      // A reference may hold variables in its address: `${self:custom.${sls:stage}.url}`.
      const expanded = candidate.includes("${") ? asText(this.resolveString(candidate, at), candidate, at) : candidate;
      const found = this.lookup(expanded, at);
      if (found.cloudOnly) {
        cloudOnly ??= expanded;
        continue;
      }
      if (found.value !== undefined && found.value !== null) {
        if (cloudOnly) this.warnCloudOnly(cloudOnly, at, `the fallback ${candidate} is used`);
        return found.value;
      }
      reasons.push(found.reason ?? `${expanded} has no value`);
    }
    if (cloudOnly) {
      const placeholder = `local-placeholder:${cloudOnly}`;
      this.warnCloudOnly(cloudOnly, at, `the placeholder ${JSON.stringify(placeholder)} stands in for it`);
      return placeholder;
    }
    throw at.fail(
      `cannot resolve \${${inner}} (${reasons.join("; ")}); expected a value for it, or a fallback such as \${${candidates[0]}, 'default'}`,
    );
  }

  private warnCloudOnly(reference: string, at: YamlField, meaning: string): void {
    this.context.warn(
      ManifestWarning.at(
        at.ref,
        `\${${reference}} is read from AWS when deploying and is not available locally; ${meaning}. ` +
          "Set the value the function needs in .env or faasbox.yml to run with the real one",
      ),
    );
  }

  private lookup(reference: string, at: YamlField): { value?: unknown; reason?: string; cloudOnly?: boolean } {
    const colon = reference.indexOf(":", reference.indexOf(")") + 1);
    const source = colon < 0 ? reference : reference.slice(0, colon);
    const address = colon < 0 ? "" : reference.slice(colon + 1);
    const file = /^file\((.+)\)$/.exec(source);
    if (file) return this.lookupFile(file[1].trim(), address, at);
    switch (source) {
      case "self": {
        const value = this.resolve(address === "" ? [] : address.split("."));
        // The framework fills in provider.stage and provider.region before resolving, so
        // `${self:provider.stage}` means the stage even when not written (Service.js sets
        // `provider: { stage: 'dev' }`: https://app.unpkg.com/serverless@1.77.0/files/lib/classes/Service.js).
        if (value === undefined && address === "provider.stage") return { value: this.stage() };
        if (value === undefined && address === "provider.region") return { value: this.region() };
        return { value, reason: `serverless.yml has no ${address || "content"}` };
      }
      case "env":
        // The framework treats an empty variable as unset: https://github.com/serverless/serverless (lib/configuration/variables/sources/env.js).
        return { value: this.context.env[address] || undefined, reason: `the environment variable ${address} is not set` };
      case "opt":
        return { value: this.context.cliOptions?.[address], reason: `no --${address} option was given` };
      case "sls":
        return this.lookupSls(address);
      case "aws":
        if (address === "region") return { value: this.region() };
        return { cloudOnly: true };
      case "param":
        return this.lookupParam(address);
      case "ssm":
      case "cf":
      case "s3":
      case "aws-secretsmanager":
      // serverless-lift's `${construct:jobs.queueUrl}`: the queue exists once deployed.
      case "construct":
        return { cloudOnly: true };
      default:
        if (/^cf\.[\w-]+$/.test(source)) return { cloudOnly: true };
        return { reason: `${source} is not a variable source Faasbox knows (self, env, opt, sls, file, aws, param, ssm, cf, s3)` };
    }
  }

  /** https://www.serverless.com/framework/docs/guides/variables/core: stage and instanceId (random per deploy; fixed locally). */
  private lookupSls(address: string): { value?: unknown; reason?: string } {
    if (address === "stage") return { value: this.stage() };
    if (address === "instanceId") return { value: "faasbox-local" };
    return { reason: `sls:${address} is not one of sls:stage, sls:instanceId` };
  }

  /**
   * Stage parameters: `stages.<stage>.params`, then `stages.default.params`
   * (https://www.serverless.com/framework/docs/guides/parameters); anything else lives in
   * the Serverless Dashboard, which is cloud-only.
   */
  private lookupParam(name: string): { value?: unknown; cloudOnly?: boolean } {
    for (const stage of [this.stage(), "default"]) {
      const params = childAt(this.data, ["stages", stage, "params"]);
      if (isPlainMap(params) && Object.hasOwn(params, name)) return { value: this.resolve(["stages", stage, "params", name]) };
    }
    return { cloudOnly: true };
  }

  /** `${file(./config.json):a.b}`: JSON or YAML beside serverless.yml; JavaScript files would have to be run, so they are refused. */
  private lookupFile(relative: string, address: string, at: YamlField): { value?: unknown; reason?: string } {
    const path = resolve(dirname(this.root.source.file), relative);
    const extension = extname(path).toLowerCase();
    if ([".js", ".cjs", ".mjs", ".ts"].includes(extension)) {
      throw at.fail(`\${file(${relative})} is a script that the framework runs; Faasbox does not run it. Expected a .json, .yml or .yaml file`);
    }
    if (!existsSync(path)) return { reason: `${relative} does not exist next to ${this.root.source.file}` };
    let content: unknown;
    if (extension === ".json") {
      try {
        content = JSON.parse(readFileSync(path, "utf8")) as unknown;
      } catch (error) {
        throw at.fail(`${relative} is not valid JSON (${(error as Error).message}); expected a JSON file`);
      }
    } else {
      // A syntax error in it is reported at its own line.
      content = YamlSource.read(path).root.value;
    }
    const value = address === "" ? content : childAt(content, address.split("."));
    // Variables in the file refer to serverless.yml (self:) as in the framework; they are resolved here, at the field that includes it.
    const expand = (item: unknown): unknown => {
      if (typeof item === "string") return this.resolveString(item, at);
      if (Array.isArray(item)) return item.map(expand);
      if (isPlainMap(item)) return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, expand(v)]));
      return item;
    };
    return { value: expand(value), reason: `${relative} has no ${address}` };
  }
}

type Part = string | { inner: string };

/** Text and `${...}` variables, the outermost ones, with nested braces kept inside. */
function splitVariables(text: string): Part[] {
  const parts: Part[] = [];
  let index = 0;
  while (index < text.length) {
    const start = text.indexOf("${", index);
    const end = start < 0 ? -1 : matchingBrace(text, start + 2);
    if (start < 0 || end < 0) {
      parts.push(text.slice(index));
      break;
    }
    if (start > index) parts.push(text.slice(index, start));
    parts.push({ inner: text.slice(start + 2, end) });
    index = end + 1;
  }
  return parts;
}

function matchingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === "{") depth++;
    if (text[i] === "}" && --depth === 0) return i;
  }
  return -1;
}

/** Splits at `separator` outside quotes, parentheses and nested `${...}`. */
function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = "";
  for (const char of text) {
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === "{" || char === "(") depth++;
    else if (char === "}" || char === ")") depth--;
    else if (char === separator && depth === 0) {
      parts.push(current);
      current = "";
      continue;
    }
    current += char;
  }
  parts.push(current);
  return parts;
}

/** A quoted string, number or boolean written as a fallback. */
function literalValue(candidate: string): unknown {
  const quoted = /^(['"])(.*)\1$/s.exec(candidate);
  if (quoted) return quoted[2];
  if (/^-?\d+(\.\d+)?$/.test(candidate)) return Number(candidate);
  if (candidate === "true" || candidate === "false") return candidate === "true";
  return undefined;
}

function childAt(value: unknown, path: FieldPath): unknown {
  let node = value;
  for (const part of path) {
    if (typeof part === "number") node = Array.isArray(node) ? node[part] : undefined;
    else node = isPlainMap(node) ? node[part] : undefined;
  }
  return node;
}

function asText(value: unknown, inner: string, at: YamlField): string {
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return String(value);
  throw at.fail(`\${${inner}} gives ${Array.isArray(value) ? "a list" : "a map"} inside a longer string; expected a string or number there`);
}
