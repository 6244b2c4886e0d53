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
 * Code.ZipFile's description mentions. Larger packages go through COS.
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
}

export function checkSizeLimits(target: DeployTarget, sizes: { size: number; unzippedSize: number }, limits = SIZE_LIMITS[target]): LimitCheck {
  const problems: string[] = [];
  const cloud = target === "scf" ? "SCF" : "Lambda";
  if (sizes.size > limits.zipped) {
    problems.push(
      target === "scf"
        ? `the zip is ${formatBytes(sizes.size)}, over the ${formatBytes(limits.zipped)} SCF takes in one API request (10 MB once base64 encoded). ` +
            "Move dependencies into an SCF layer, leave out files with .faasboxignore, or upload the zip to a COS bucket and deploy it from there (the SCF console or `scf deploy`)."
        : `the zip is ${formatBytes(sizes.size)}, over the ${formatBytes(limits.zipped)} Lambda takes as a direct upload. ` +
            "Move dependencies into a Lambda layer, leave out files with .faasboxignore, or upload the zip to S3 and deploy it from there (`aws lambda update-function-code --s3-bucket ...`).",
    );
  }
  if (sizes.unzippedSize > limits.unzipped) {
    problems.push(
      `the files add up to ${formatBytes(sizes.unzippedSize)} unzipped, over ${cloud}'s ${formatBytes(limits.unzipped)} limit (code and layers together). ` +
        "Leave out what the function does not need at run time (tests, docs, dev dependencies) with .faasboxignore, or use a container image instead of a zip.",
    );
  }
  return {
    ok: problems.length === 0,
    lines: [
      `zip ${formatBytes(sizes.size)} of ${formatBytes(limits.zipped)} (${cloud} direct upload)`,
      `unzipped ${formatBytes(sizes.unzippedSize)} of ${formatBytes(limits.unzipped)} (${cloud})`,
    ],
    problems,
  };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < MB) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / MB).toFixed(1)} MB`;
}
