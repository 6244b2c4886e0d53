import type { FakeBuckets } from "./buckets";
import { optionalString, requireString, ScfApiError, type Params } from "./scfParams";

/**
 * Code from COS as SCF's Code data type documents it: CosBucketName is the bucket's own
 * name without "-APPID" (SCF adds the caller's APPID), CosObjectName the object's path
 * starting with "/", CosBucketRegion the bucket's region (the function's when absent).
 * The object must be there, in that bucket of that region: SCF copies it at deploy time.
 */
export function scfCodeFromCos(buckets: FakeBuckets | undefined, appId: string, functionRegion: string, source: Params): Buffer {
  const name = requireString(source, "CosBucketName");
  const objectName = requireString(source, "CosObjectName");
  const region = optionalString(source, "CosBucketRegion") ?? functionRegion;
  if (!objectName.startsWith("/")) throw new ScfApiError("InvalidParameterValue.CosObjectName", `CosObjectName 须以 / 开头（对象存储中代码包文件路径），收到 ${objectName}。`);
  const bucket = `${name}-${appId}`;
  if (!buckets?.bucket(bucket, region)) throw new ScfApiError("ResourceNotFound.Cos", `Cos不存在：地域 ${region} 中没有存储桶 ${bucket}。`);
  const zip = buckets.object(bucket, region, objectName.slice(1));
  if (!zip) throw new ScfApiError("ResourceNotFound.Cos", `Cos不存在：存储桶 ${bucket} 中没有对象 ${objectName}。`);
  return zip;
}
