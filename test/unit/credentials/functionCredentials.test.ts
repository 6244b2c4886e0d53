// Where the functions' credentials come from, and that nothing but masked ids is ever said.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CredentialError, resolveFunctionCredentials } from "../../../emulator/credentials/functionCredentials";

function home(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "faasbox-creds-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const PROFILES = {
  ".aws/credentials": "[default]\naws_access_key_id = AKIADEFAULT000000001\naws_secret_access_key = defaultSecret\n\n[work]\naws_access_key_id = AKIAWORK000000000002\naws_secret_access_key = workSecret\naws_session_token = workToken\n",
  ".aws/config": "[profile viaconfig]\naws_access_key_id = AKIACONFIG0000000003\naws_secret_access_key = configSecret\n",
};

test("the environment's keys come first, with the session token, as every AWS variable Lambda sets", async () => {
  const found = await resolveFunctionCredentials({ env: { AWS_ACCESS_KEY_ID: "AKIAENV0000000000009", AWS_SECRET_ACCESS_KEY: "envSecret", AWS_SESSION_TOKEN: "envToken" }, homeDir: home(PROFILES) });
  assert.deepEqual(found.env.aws, { AWS_ACCESS_KEY_ID: "AKIAENV0000000000009", AWS_ACCESS_KEY: "AKIAENV0000000000009", AWS_SECRET_ACCESS_KEY: "envSecret", AWS_SESSION_TOKEN: "envToken" });
  assert.match(found.summary[0], /^AWS credentials: AKIA\*\*\*\*0009 from the environment \(AWS_ACCESS_KEY_ID\)/);
});

test("without keys in the environment: AWS_PROFILE, then [default], from ~/.aws/credentials or ~/.aws/config", async () => {
  const files = home(PROFILES);
  assert.equal((await resolveFunctionCredentials({ env: {}, homeDir: files })).env.aws.AWS_SECRET_ACCESS_KEY, "defaultSecret");
  const work = await resolveFunctionCredentials({ env: { AWS_PROFILE: "work" }, homeDir: files });
  assert.equal(work.env.aws.AWS_SESSION_TOKEN, "workToken");
  assert.match(work.summary[0], /from profile work/);
  assert.equal((await resolveFunctionCredentials({ env: { AWS_PROFILE: "viaconfig" }, homeDir: files })).env.aws.AWS_SECRET_ACCESS_KEY, "configSecret");
});

test("--profile beats the environment's keys; a profile that gives nothing stops start, naming it", async () => {
  const files = home(PROFILES);
  const env = { AWS_ACCESS_KEY_ID: "AKIAENV0000000000009", AWS_SECRET_ACCESS_KEY: "envSecret" };
  assert.equal((await resolveFunctionCredentials({ profile: "work", env, homeDir: files })).env.aws.AWS_SECRET_ACCESS_KEY, "workSecret");
  await assert.rejects(resolveFunctionCredentials({ profile: "missing", env, homeDir: files }), (error: Error) => error instanceof CredentialError && /AWS profile "missing"/.test(error.message));
});

test("no AWS credentials anywhere: functions get none and the summary says how to give some", async () => {
  const found = await resolveFunctionCredentials({ env: {}, homeDir: home() });
  assert.deepEqual(found.env.aws, {});
  assert.match(found.summary[0], /AWS credentials: none found .*AWS functions get none.*--profile/);
});

test("Tencent keys come as deploy finds them, under the names SCF gives functions; no token, no variable", async () => {
  const fromEnv = await resolveFunctionCredentials({ env: { TENCENTCLOUD_SECRET_ID: "AKIDenv000000000000001", TENCENTCLOUD_SECRET_KEY: "tcKey", TENCENTCLOUD_SESSION_TOKEN: "tcToken" }, homeDir: home() });
  assert.deepEqual(fromEnv.env.scf, { TENCENTCLOUD_SECRETID: "AKIDenv000000000000001", TENCENTCLOUD_SECRETKEY: "tcKey", TENCENTCLOUD_SESSIONTOKEN: "tcToken" });
  const fromFile = await resolveFunctionCredentials({ env: {}, homeDir: home({ ".tencentcloud/credentials": "[default]\nsecret_id = AKIDfile00000000000002\nsecret_key = fileKey\n" }) });
  assert.deepEqual(fromFile.env.scf, { TENCENTCLOUD_SECRETID: "AKIDfile00000000000002", TENCENTCLOUD_SECRETKEY: "fileKey" });
  const none = await resolveFunctionCredentials({ env: {}, homeDir: home() });
  assert.deepEqual(none.env.scf, {});
  assert.match(none.summary[1], /Tencent Cloud credentials: none/);
});

test("--no-credentials: none at all, whatever the environment holds", async () => {
  const found = await resolveFunctionCredentials({ disabled: true, env: { AWS_ACCESS_KEY_ID: "AKIAENV0000000000009", AWS_SECRET_ACCESS_KEY: "envSecret" }, homeDir: home(PROFILES) });
  assert.deepEqual(found.env, { aws: {}, scf: {} });
  assert.deepEqual(found.secrets, []);
});

test("the summary never holds a secret, a token or a whole key id", async () => {
  const found = await resolveFunctionCredentials({ env: { AWS_PROFILE: "work", TENCENTCLOUD_SECRET_ID: "AKIDenv000000000000001", TENCENTCLOUD_SECRET_KEY: "tcKey" }, homeDir: home(PROFILES) });
  const said = found.summary.join("\n");
  for (const secret of [...found.secrets]) assert.ok(!said.includes(secret), `the summary holds ${secret}`);
});
