/** One request the fake COS or S3 answered, for tests asserting what touched the bucket. */
export interface BucketRequest {
  method: string;
  bucket: string;
  key: string;
  status: number;
}

interface Bucket {
  region: string;
  objects: Map<string, Buffer>;
}

/**
 * The buckets of a fake object store (COS or S3), in memory: the store's server writes them,
 * and the fake SCF or Lambda reads code from them as the real clouds read it from theirs.
 */
export class FakeBuckets {
  private readonly buckets = new Map<string, Bucket>();
  readonly requests: BucketRequest[] = [];

  /** A bucket that exists in `region` (COS: "NAME-APPID"). */
  create(name: string, region: string): this {
    this.buckets.set(name, { region, objects: new Map() });
    return this;
  }

  /** The bucket, or undefined when there is none of that name in that region. */
  bucket(name: string, region: string): Map<string, Buffer> | undefined {
    const found = this.buckets.get(name);
    return found && found.region === region ? found.objects : undefined;
  }

  regionOf(name: string): string | undefined {
    return this.buckets.get(name)?.region;
  }

  /** The object's bytes, when that bucket in that region holds it. */
  object(name: string, region: string, key: string): Buffer | undefined {
    return this.bucket(name, region)?.get(key);
  }

  /** Successful uploads, in order. */
  puts(): BucketRequest[] {
    return this.requests.filter((r) => r.method === "PUT" && r.status === 200);
  }
}
