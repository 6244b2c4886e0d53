import { statSync } from "node:fs";
import { basename, dirname, extname, resolve } from "node:path";
import type { RuntimeFamily } from "../config/runtimeFamily";
import { inlineCodeDir } from "./inlineCode";
import { zipPackageCodeDir } from "./zipPackage";
import type { ReadContext } from "./manifestFunction";
import { isPlainMap, type YamlField } from "./yamlSource";

/** Where a function's code is: a folder on this machine, or where its inline source was written. */
export interface CodeLocation {
  codeDir: string;
  /** The field the code folder comes from, for messages about it. */
  field: YamlField;
  /** A zip package codeDir is unpacked from at the first launch. */
  archive?: string;
}

/**
 * AWS::Serverless::Function: `InlineCode`, else `CodeUri` (a local path, or S3 which
 * cannot run here), else the template's folder.
 * https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-function.html
 */
export function serverlessCode(codeUri: YamlField, inlineCode: YamlField, family: RuntimeFamily, owner: CodeOwner): CodeLocation {
  if (inlineCode.isSet) {
    if (codeUri.isSet) throw inlineCode.fail("InlineCode and CodeUri are both given; expected only one of them, as SAM requires");
    return { codeDir: inlineCodeDir(inlineCode, family, owner), field: inlineCode };
  }
  if (isPlainMap(codeUri.value) && ("Bucket" in codeUri.value || "Key" in codeUri.value)) {
    throw codeUri.fail("code in S3 cannot run locally; expected a local path such as src/ (the folder sam build or aws cloudformation package would upload)");
  }
  const path = codeUri.string("a local folder or .zip package such as src/ (code in S3 cannot run locally)") ?? ".";
  return localCode(codeUri, path, owner);
}

/**
 * AWS::Lambda::Function `Code`: `ZipFile` (inline source), or a local path as `aws
 * cloudformation package` takes it ("Code property for the AWS::Lambda::Function resource",
 * https://docs.aws.amazon.com/cli/latest/reference/cloudformation/package.html); S3 and
 * image locations are in the cloud only.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-lambda-function-code.html
 */
export function lambdaCode(code: YamlField, family: RuntimeFamily, owner: CodeOwner): CodeLocation {
  if (typeof code.value === "string") return localCode(code, code.value, owner);
  if (!code.isSet) throw code.missing("the function's code: a local folder (Code: src/) or inline source (Code: {ZipFile: ...})");
  if (!code.isMap()) throw code.wrongType("a local folder such as src/, or a map with ZipFile");
  const zipFile = code.child("ZipFile");
  if (zipFile.isSet) return { codeDir: inlineCodeDir(zipFile, family, owner), field: zipFile };
  if (code.child("S3Bucket").isSet || code.child("S3Key").isSet) {
    throw code.fail("code in S3 cannot run locally; expected a local path to the code's folder (Code: src/, as aws cloudformation package takes it) or inline source (ZipFile)");
  }
  if (code.child("ImageUri").isSet) {
    throw code.child("ImageUri").fail("container image functions are not supported; expected a local path to the code's folder (Code: src/) or inline source (ZipFile)");
  }
  throw code.wrongType("a local folder such as src/, or a map with ZipFile");
}

/** Where inline code is written for a function: the project's cache and the function's logical id. */
export type CodeOwner = { cacheDir: string; logicalId: string };

export function codeOwner(context: ReadContext, logicalId: string): CodeOwner {
  return { cacheDir: context.cacheDir, logicalId };
}

/**
 * A local path, relative to the template's folder as SAM and `aws cloudformation package`
 * take it. A file is uploaded as it is, as the deployment package itself ("If you specify a
 * file, the command directly uploads it",
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-cli-package.html),
 * and sam local unpacks only .zip and .jar files (samcli/local/lambdafn/zip.py; the user
 * guide is silent), so a file is a package, never "the code in this file's folder".
 */
function localCode(field: YamlField, path: string, owner: CodeOwner): CodeLocation {
  const absolute = resolve(dirname(field.source.file), path);
  if (!isFile(absolute)) return { codeDir: absolute, field }; // a folder, or missing: checkFunction says which
  if ([".zip", ".jar"].includes(extname(absolute).toLowerCase())) {
    // Unpacked at the first launch into the project's cache, as sam local unpacks it for each run.
    return { codeDir: zipPackageCodeDir(owner.cacheDir, absolute), field, archive: absolute };
  }
  throw field.fail(
    `${basename(absolute)} is a file: the cloud would take it as the zip package itself, not as code in its folder; expected the folder holding the code, such as ${relativeFolder(path)}`,
  );
}

function relativeFolder(path: string): string {
  const folder = dirname(path);
  return folder === "." ? "./" : `${folder}/`;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
