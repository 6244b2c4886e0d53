import type { FakeBuckets } from "./buckets";
import { LambdaApiError } from "./lambdaApiError";

/**
 * Code from S3 as Lambda takes it: S3Bucket and S3Key (no version here), read when the call
 * is made from a bucket that must be in the function's region. Lambda relays S3's error
 * code inside an InvalidParameterValueException.
 */
export function lambdaCodeFromS3(buckets: FakeBuckets | undefined, functionRegion: string, bucket: unknown, key: unknown): Buffer {
  if (typeof bucket !== "string" || typeof key !== "string") {
    throw new LambdaApiError(400, "InvalidParameterValueException", "Please provide both S3Bucket and S3Key for code from S3.");
  }
  const s3Error = (code: string, message: string) => new LambdaApiError(400, "InvalidParameterValueException", `Error occurred while GetObject. S3 Error Code: ${code}. S3 Error Message: ${message}`);
  const region = buckets?.regionOf(bucket);
  if (!buckets || region === undefined) throw s3Error("NoSuchBucket", "The specified bucket does not exist");
  if (region !== functionRegion) throw s3Error("PermanentRedirect", `The bucket is in this region: ${region}. Please use this region to retry the request`);
  const zip = buckets.object(bucket, region, key);
  if (!zip) throw s3Error("NoSuchKey", "The specified key does not exist.");
  return zip;
}
