import { LOCAL_ACCOUNT_ID } from "../../project/localAccount";

/** The account the emulator pretends to be when a request names no account: the one of every other ARN. */
export const LOCAL_ACCOUNT = LOCAL_ACCOUNT_ID;
export const DEFAULT_REGION = "us-east-1";

export interface FunctionRef {
  name: string;
  qualifier?: string;
  /** The function's unqualified ARN, as Lambda spells it in errors. */
  arn: string;
}

// Lambda accepts a name, a partial ARN (ACCOUNT:function:NAME) or a full ARN, each
// optionally followed by :QUALIFIER. Names are kept lenient (anything but ':' and
// whitespace): manifests may name functions in ways Lambda's own pattern would refuse.
const FULL_ARN = /^arn:(aws[a-z-]*):lambda:([a-z0-9-]+):(\d{12}):function:([^:\s]+)(?::([^:\s]+))?$/;
const PARTIAL_ARN = /^(\d{12}):function:([^:\s]+)(?::([^:\s]+))?$/;
const PLAIN = /^([^:\s]+)(?::([^:\s]+))?$/;

/**
 * Parses FunctionName (already URL-decoded). `region` is the one the client signed
 * for, so "Function not found" names the ARN the caller would expect.
 * Returns undefined when the value is no function name or ARN at all.
 */
export function parseFunctionName(value: string, region = DEFAULT_REGION): FunctionRef | undefined {
  let partition = "aws";
  let account = LOCAL_ACCOUNT;
  let name: string;
  let qualifier: string | undefined;
  const full = FULL_ARN.exec(value);
  const partial = full ? undefined : PARTIAL_ARN.exec(value);
  const plain = full || partial ? undefined : PLAIN.exec(value);
  if (full) [, partition, region, account, name, qualifier] = full;
  else if (partial) [, account, name, qualifier] = partial;
  else if (plain) [, name, qualifier] = plain;
  else return undefined;
  return { name, qualifier, arn: `arn:${partition}:lambda:${region}:${account}:function:${name}` };
}

/**
 * The region from a SigV4 Authorization header's credential scope
 * (Credential=KEY/DATE/REGION/lambda/aws4_request). Only the region is read: the
 * signature is never checked and the key is never kept.
 */
export function signedRegion(authorization: string | undefined): string | undefined {
  return /Credential=[^/,\s]*\/\d{8}\/([a-z0-9-]+)\/lambda\/aws4_request/.exec(authorization ?? "")?.[1];
}
