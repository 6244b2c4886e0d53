import { dirname, resolve } from "node:path";
import type { YamlField } from "./yamlSource";

/**
 * Without `inputs.name` the component names the function `${name}-${stage}-${app}`
 * (https://cloud.tencent.com/document/product/1154/51080: 云函数名称,默认为 ${name}-${stage}-${app}),
 * with stage `dev` and app the instance name when they are not given (same page).
 */
export function defaultFunctionName(root: YamlField): string | undefined {
  const instance = root.child("name").value;
  if (typeof instance !== "string" || instance === "") return undefined;
  const { stage, app } = instanceNames(root);
  return `${instance}-${stage}-${app}`;
}

/** `stage` and `app` as the component CLI fills them in when absent. */
export function instanceNames(root: YamlField): { instance: string; stage: string; app: string } {
  const text = (key: string) => {
    const value = root.child(key).value;
    return typeof value === "string" && value !== "" ? value : undefined;
  };
  const instance = text("name") ?? "";
  return { instance, stage: text("stage") ?? "dev", app: text("app") ?? instance };
}

/** `src` is a folder or `{src: folder, exclude: [...]}`; code already uploaded to COS cannot run here. */
export function readSrc(root: YamlField, src: YamlField): { codeDir: string; srcField: YamlField; packageExclude?: string[] } {
  let srcField = src;
  let packageExclude: string[] | undefined;
  if (srcField.isMap()) {
    if (srcField.child("bucket").isSet || srcField.child("object").isSet) {
      throw srcField.fail("code in a COS bucket cannot run locally; expected a local folder such as ./src");
    }
    packageExclude = srcField.child("exclude").stringList("a list of patterns such as `- .env` or `- node_modules/**`");
    srcField = srcField.child("src");
  }
  const codeDir = resolve(dirname(root.source.file), srcField.string("a folder path such as ./src") ?? "./");
  return { codeDir, srcField, ...(packageExclude ? { packageExclude } : {}) };
}

