import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FakeBuckets } from "./buckets";
import { FakeScfState, SCF_RUNTIMES } from "./scfActions";
import { FakeHttpService, header } from "./httpServer";
import { ScfApiError, type Params } from "./scfParams";
import { verifyTc3 } from "./tc3";

export const SCF_TEST_SECRET_ID = "AKIDfaasboxTESTsecretID0000000001";
export const SCF_TEST_SECRET_KEY = "faasboxTestSecretKeyDoNotPrint0042";

const VERSION = "2018-04-16";
const HOST = "scf.tencentcloudapi.com";
/** Tencent Cloud API 3.0 takes POST bodies of up to 10 MB with TC3 signing. */
const MAX_BODY = 10 * 1024 * 1024;
const REGIONS = ["ap-guangzhou", "ap-shanghai", "ap-beijing", "ap-chengdu", "ap-chongqing", "ap-nanjing", "ap-hongkong", "ap-singapore", "ap-tokyo", "ap-seoul", "ap-bangkok", "ap-mumbai", "ap-jakarta", "na-siliconvalley", "na-ashburn", "eu-frankfurt"];

export interface ScfCall {
  action: string;
  region: string;
  params: Params;
}

interface Fault {
  action?: string;
  code: string;
  message: string;
  times: number;
}

type ActionHandler = (region: string, params: Params) => Params | Promise<Params>;

/**
 * A local SCF API (https://scf.tencentcloudapi.com, version 2018-04-16) for the official
 * SDK: POST / with X-TC-Action, X-TC-Version, X-TC-Region, X-TC-Timestamp and a
 * TC3-HMAC-SHA256 Authorization that it recomputes with the test key. Answers are the
 * API's envelope, {"Response": {..., "RequestId"}} with HTTP 200, and errors
 * {"Response": {"Error": {"Code", "Message"}, "RequestId"}}. It keeps functions in memory,
 * takes Creating/Updating to Active after `transitionMs`, records uploads, and can be told
 * to answer the next calls with an error.
 */
export class FakeScf extends FakeHttpService {
  readonly state: FakeScfState;
  readonly calls: ScfCall[] = [];
  /** Every error answered, for tests asserting that none of a kind happened. */
  readonly errors: { action: string; code: string }[] = [];
  /** SecretId → SecretKey accepted. */
  readonly secrets = new Map([[SCF_TEST_SECRET_ID, SCF_TEST_SECRET_KEY]]);
  private readonly faults: Fault[] = [];
  private readonly handlers: Record<string, ActionHandler>;

  /** `cos`: the buckets of a FakeCos, where code given by CosBucketName/CosObjectName is read. */
  constructor(options: { transitionMs?: number; runtimes?: readonly string[]; cos?: FakeBuckets } = {}) {
    super();
    this.state = new FakeScfState(options.transitionMs ?? 150, options.runtimes ?? SCF_RUNTIMES, options.cos);
    const s = this.state;
    this.handlers = {
      GetFunction: (r, p) => s.GetFunction(r, p),
      GetFunctionAddress: (r, p) => s.GetFunctionAddress(r, p),
      CreateFunction: (r, p) => s.CreateFunction(r, p),
      UpdateFunctionCode: (r, p) => s.UpdateFunctionCode(r, p),
      UpdateFunctionConfiguration: (r, p) => s.UpdateFunctionConfiguration(r, p),
      CreateTrigger: (r, p) => s.CreateTrigger(r, p),
      UpdateTrigger: (r, p) => s.UpdateTrigger(r, p),
    };
  }

  get uploads() {
    return this.state.uploads;
  }

  /** The next `times` calls (of `action`, or any) answer with this documented error. */
  failNext(fault: { action?: string; code: string; message?: string; times?: number }): void {
    this.faults.push({ action: fault.action, code: fault.code, message: fault.message ?? `${fault.code} (injected by the test)`, times: fault.times ?? 1 });
  }

  /** Forgets the faults not yet answered. */
  clearFaults(): void {
    this.faults.length = 0;
  }

  actions(): string[] {
    return this.calls.map((call) => call.action);
  }

  protected async handle(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const host = (header(req, "host") ?? "").replace(/:\d+$/, "");
    if (req.method !== "POST" || (req.url ?? "/") !== "/" || host !== HOST) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end(`no such endpoint: ${req.method} ${host}${req.url}`);
      return;
    }
    const action = header(req, "x-tc-action") ?? "";
    const region = header(req, "x-tc-region") ?? "";
    try {
      const result = await this.dispatch(req, body, action, region);
      this.reply(res, { ...result, RequestId: randomUUID() });
    } catch (error) {
      if (!(error instanceof ScfApiError)) throw error;
      this.errors.push({ action, code: error.code });
      this.reply(res, { Error: { Code: error.code, Message: error.message }, RequestId: randomUUID() });
    }
  }

  private async dispatch(req: IncomingMessage, body: Buffer, action: string, region: string): Promise<Params> {
    if (body.length > MAX_BODY) throw new ScfApiError("RequestSizeLimitExceeded", "The request body exceeds 10 MB.");
    if ((header(req, "content-type") ?? "").split(";")[0].trim() !== "application/json") {
      throw new ScfApiError("InvalidParameter", "POST requests signed with TC3-HMAC-SHA256 must use Content-Type application/json.");
    }
    const auth = verifyTc3(req, body, this.secrets, "scf");
    if (!auth.ok) throw new ScfApiError(auth.code, auth.message);
    if (header(req, "x-tc-version") !== VERSION) throw new ScfApiError("NoSuchVersion", `The API version \`${header(req, "x-tc-version")}\` does not exist.`);
    const handler = this.handlers[action];
    if (!handler) throw new ScfApiError("InvalidAction", `The API \`${action}\` does not exist (or this fake does not implement it).`);
    if (!region) throw new ScfApiError("MissingParameter", "The request is missing a required parameter `Region`.");
    if (!REGIONS.includes(region)) throw new ScfApiError("UnsupportedRegion", `The product does not support region \`${region}\`.`);
    let params: Params;
    try {
      params = JSON.parse(body.toString("utf8")) as Params;
    } catch {
      throw new ScfApiError("InvalidParameter", "The request body is not valid JSON.");
    }
    this.calls.push({ action, region, params });
    const fault = this.faults.find((f) => !f.action || f.action === action);
    if (fault) {
      if (--fault.times <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
      throw new ScfApiError(fault.code, fault.message);
    }
    return handler(region, params);
  }

  private reply(res: ServerResponse, response: Params): void {
    res.writeHead(200, { "content-type": "application/json", "x-tc-traceid": randomUUID() });
    res.end(JSON.stringify({ Response: response }));
  }
}
