import type { DeployTarget } from "./types";

const MB = 1024 * 1024;

export interface SizeLimits {
  /** Largest zip the deploy API takes in the request itself. */
  zipped: number;
  /** Largest total of the files once unzipped. */
  unzipped: number;
}

/**
 * Lambda: 50 MB for a zip uploaded directly, 250 MB unzipped (function plus layers).
 *
 * SCF: the quota is 500 MB unzipped (function plus layers). The zip itself travels base64
 * encoded inside the JSON body of CreateFunction / UpdateFunctionCode, and Tencent Cloud
 * API 3.0 takes POST bodies of at most 10 MB with TC3-HMAC-SHA256 signing. Base64 adds a
 * third, so a zip sent directly must stay under about 7.1 MB, whatever the 50 MB that
 * Code.ZipFile's description mentions. Larger packages go through a COS bucket.
 *
 * A zip that goes through a bucket escapes the first limit, never the second.
 */
export const SIZE_LIMITS: Record<DeployTarget, SizeLimits> = {
  lambda: { zipped: 50 * MB, unzipped: 250 * MB },
  scf: { zipped: Math.floor(((10_000_000 - 64 * 1024) * 3) / 4), unzipped: 500 * MB },
};

export interface LimitCheck {
  ok: boolean;
  /** One line per limit, e.g. "zip 1.2 MB of 50 MB (direct upload)". */
  lines: string[];
  /** What is over and what to do; empty when ok. */
  problems: string[];
  /** The zip is too large to send in the request but a code bucket is named: it goes through the bucket. */
  viaBucket: boolean;
}

export interface LimitOptions {
  /** The cloud's limits unless given (tests lower them to make a small package count as large). */
  limits?: SizeLimits;
  /** The bucket named for packages too large to send directly (--code-bucket), if any. */
  codeBucket?: string;
}

export const CODE_BUCKET_HOW_TO = "`faasbox deploy --code-bucket NAME`, FAASBOX_CODE_BUCKET or the faasbox.deploy.codeBucket setting";

export function checkSizeLimits(target: DeployTarget, sizes: { size: number; unzippedSize: number }, options: LimitOptions = {}): LimitCheck {
  const limits = options.limits ?? SIZE_LIMITS[target];
  const problems: string[] = [];
  const cloud = target === "scf" ? "SCF" : "Lambda";
  const tooLarge = sizes.size > limits.zipped;
  const viaBucket = tooLarge && Boolean(options.codeBucket);
  if (tooLarge && !viaBucket) {
    problems.push(
      target === "scf"
        ? `the zip is ${formatBytes(sizes.size)}, over the ${formatBytes(limits.zipped)} SCF takes in one API request (10 MB once base64 encoded). ` +
            `Name a COS bucket (NAME-APPID, in the function's region) to deploy it through: ${CODE_BUCKET_HOW_TO}; or move dependencies into an SCF layer, or leave out files with .faasboxignore.`
        : `the zip is ${formatBytes(sizes.size)}, over the ${formatBytes(limits.zipped)} Lambda takes as a direct upload. ` +
            `Name an S3 bucket (in the function's region) to deploy it through: ${CODE_BUCKET_HOW_TO}; or move dependencies into a Lambda layer, or leave out files with .faasboxignore.`,
    );
  }
  if (sizes.unzippedSize > limits.unzipped) {
    problems.push(
      `the files add up to ${formatBytes(sizes.unzippedSize)} unzipped, over ${cloud}'s ${formatBytes(limits.unzipped)} limit (code and layers together). ` +
        "Leave out what the function does not need at run time (tests, docs, dev dependencies) with .faasboxignore, or use a container image instead of a zip.",
    );
  }
  const zipLine = viaBucket
    ? `zip ${formatBytes(sizes.size)}, over the ${formatBytes(limits.zipped)} ${cloud} takes directly: goes through the bucket ${options.codeBucket}`
    : `zip ${formatBytes(sizes.size)} of ${formatBytes(limits.zipped)} (${cloud} direct upload)`;
  return {
    ok: problems.length === 0,
    lines: [zipLine, `unzipped ${formatBytes(sizes.unzippedSize)} of ${formatBytes(limits.unzipped)} (${cloud})`],
    problems,
    viaBucket,
  };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < MB) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / MB).toFixed(1)} MB`;
}
