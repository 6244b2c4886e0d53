// Faasbox finds a TLS engine as the docker CLI does (DOCKER_HOST + DOCKER_TLS_VERIFY +
// DOCKER_CERT_PATH, or a docker context), `faasbox doctor` names it, and a client without
// the engine's certificates is refused by the engine with an error saying what to set.
// Runs on a PRIVATE engine with TLS (test/helpers/privateEngine.ts, certificates made by
// openssl): the shared engine at /var/run/docker.sock is not used at all.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createExecutor } from "../../emulator/core/executors/createExecutor";
import { CLI } from "../helpers/paths";
import { startPrivateEngine, type PrivateEngine } from "../helpers/privateEngine";

let engine: PrivateEngine;
/** A home, DOCKER_CONFIG folders and half-equipped certificate folders of this test. */
let scratch: string;

before(async () => {
  engine = await startPrivateEngine({ tls: true });
  scratch = mkdtempSync(join(tmpdir(), "faasbox-engine-selection-"));
  mkdirSync(join(scratch, "home"));
});

after(async () => {
  try {
    await engine?.dispose();
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
});

/** `faasbox doctor` (the built CLI) with only these Docker settings: none of this machine's leak in. */
function doctor(env: Record<string, string>): { status: number | null; out: string } {
  const clean: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: join(scratch, "home"), ...env };
  const run = spawnSync(process.execPath, [CLI, "doctor"], { env: clean, encoding: "utf8", timeout: 60_000 });
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

/** The line of one check, e.g. `✓ Docker engine: …`. */
function line(out: string, name: string): string {
  return out.split("\n").find((l) => l.includes(` ${name}: `)) ?? assert.fail(`no '${name}' check in:\n${out}`);
}

/** A folder with some of the client's certificate files: a client the engine should refuse. */
function certSubset(name: string, files: string[]): string {
  const dir = join(scratch, name);
  mkdirSync(dir);
  for (const file of files) copyFileSync(join(engine.tls!.clientDir, file), join(dir, file));
  return dir;
}

test("DOCKER_HOST + DOCKER_TLS_VERIFY + DOCKER_CERT_PATH: doctor reaches the TLS engine and says how", () => {
  const { out } = doctor(engine.clientEnv);
  const check = line(out, "Docker engine");
  assert.match(check, /^ {2}✓ Docker engine: Docker \S+ \(API [\d.]+, linux\/\w+\)/, out);
  assert.ok(check.includes(`at ${engine.host} with TLS (from DOCKER_HOST, certificates in ${engine.tls!.clientDir})`), out);
  assert.match(check, /on this machine \(loopback\), over tcp\+TLS$/, out);
  assert.match(line(out, "Function network"), /✓ Function network: host \(the default: the engine has no bridge network; .*\); runtimes reach their Runtime API through the in-container agent/, out);
});

test("a docker context written by the docker CLI to a temporary DOCKER_CONFIG: current, or named by DOCKER_CONTEXT", () => {
  const config = join(scratch, "docker-config");
  const certs = engine.tls!.clientDir;
  const cli = (...args: string[]) => {
    const run = spawnSync("docker", args, { env: { PATH: process.env.PATH, HOME: join(scratch, "home"), DOCKER_CONFIG: config }, encoding: "utf8" });
    if (run.error && (run.error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    assert.equal(run.status, 0, `docker ${args.join(" ")}: ${run.stderr}`);
    return run.stdout;
  };
  const created = cli("context", "create", "faasbox-tls", "--docker", `host=${engine.host},ca=${certs}/ca.pem,cert=${certs}/cert.pem,key=${certs}/key.pem`);
  // Never skipped: without the docker CLI the test fails and says what to install.
  assert.ok(created !== undefined, "the docker CLI is needed to write a context (Debian package docker.io; npm run setup installs it)");
  cli("context", "create", "other", "--docker", "host=tcp://127.0.0.1:9");
  cli("context", "use", "faasbox-tls");
  // The CLI itself reaches the engine through it: the context is a working one.
  assert.match(cli("version", "--format", "{{.Server.Version}}") ?? "", /\d+\.\d+/);

  const current = line(doctor({ DOCKER_CONFIG: config }).out, "Docker engine");
  assert.match(current, /✓ Docker engine: Docker /);
  assert.ok(current.includes(`at ${engine.host} with TLS (docker context "faasbox-tls"): on this machine (loopback), over tcp+TLS`), current);

  cli("context", "use", "other");
  const named = line(doctor({ DOCKER_CONFIG: config, DOCKER_CONTEXT: "faasbox-tls" }).out, "Docker engine");
  assert.ok(named.includes(`with TLS (docker context "faasbox-tls")`), named);
  // DOCKER_HOST beats any context, as for the docker CLI.
  const overridden = line(doctor({ DOCKER_CONFIG: config, DOCKER_CONTEXT: "faasbox-tls", ...engine.clientEnv }).out, "Docker engine");
  assert.ok(overridden.includes("(from DOCKER_HOST"), overridden);
});

test("a plain-HTTP client is refused by the TLS engine, and doctor says to set DOCKER_TLS_VERIFY and DOCKER_CERT_PATH", () => {
  const { status, out } = doctor({ DOCKER_HOST: engine.host });
  assert.equal(status, 1, out);
  assert.ok(line(out, "Docker engine").includes(`✗ Docker engine: no engine answers at ${engine.host} (from DOCKER_HOST): the engine at ${engine.host} speaks only TLS and this client used plain HTTP`), out);
  assert.match(out, /→ It needs TLS: set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH to the folder holding the engine's ca\.pem and this client's cert\.pem and key\.pem\./);
});

test("a TLS client without a client certificate is refused by the engine, and doctor says which folder needs one", () => {
  const onlyCa = certSubset("only-ca", ["ca.pem"]);
  const { status, out } = doctor({ DOCKER_HOST: engine.host, DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: onlyCa });
  assert.equal(status, 1, out);
  assert.match(line(out, "Docker engine"), new RegExp(`refused this client, which presented no client certificate \\(none in ${onlyCa}\\)`), out);
  assert.match(out, /→ The engine wants a client certificate signed by the CA it trusts: set DOCKER_CERT_PATH to the folder holding that cert\.pem and key\.pem/);
  // The refusal is the engine's own.
  assert.match(readFileSync(join(engine.dir, "log"), "utf8"), /TLS handshake error.*(didn't provide a certificate|certificate required)/i);
});

test("an engine certificate this client cannot check is named, with where its CA goes", () => {
  const noCa = certSubset("no-ca", ["cert.pem", "key.pem"]);
  const { out } = doctor({ DOCKER_HOST: engine.host, DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: noCa });
  assert.match(line(out, "Docker engine"), /does not trust the engine's certificate/, out);
  assert.ok(out.includes(`→ Put the CA that signed the engine's certificate as ca.pem in ${noCa} (DOCKER_CERT_PATH).`), out);
  // DOCKER_TLS without DOCKER_TLS_VERIFY: TLS, the engine's certificate not checked, as the docker CLI does.
  const unverified = line(doctor({ DOCKER_HOST: engine.host, DOCKER_TLS: "1", DOCKER_CERT_PATH: noCa }).out, "Docker engine");
  assert.match(unverified, /✓ Docker engine: .* with TLS, the engine's certificate not verified \(from DOCKER_HOST/, unverified);
});

test("FAASBOX_DOCKER_NETWORK: none is accepted, a typo is refused with the engine's networks", () => {
  assert.match(line(doctor({ ...engine.clientEnv, FAASBOX_DOCKER_NETWORK: "none" }).out, "Function network"), /✓ Function network: none \(from FAASBOX_DOCKER_NETWORK\)/);
  const typo = doctor({ ...engine.clientEnv, FAASBOX_DOCKER_NETWORK: "hots" });
  assert.equal(typo.status, 1);
  assert.match(line(typo.out, "Function network"), /✗ Function network: FAASBOX_DOCKER_NETWORK=hots: the Docker engine at .* has no network of that name\. Use host, bridge or none/, typo.out);
  const invalid = doctor({ ...engine.clientEnv, FAASBOX_DOCKER_NETWORK: "container:db" });
  assert.match(line(invalid.out, "Function network"), /✗ Function network: FAASBOX_DOCKER_NETWORK="container:db" is not a network: use host, bridge, none, or the name of a network/, invalid.out);
});

test("FAASBOX_AGENT=0 (direct mode): said on host networking, refused on any other", () => {
  const direct = doctor({ ...engine.clientEnv, FAASBOX_DOCKER_NETWORK: "host", FAASBOX_AGENT: "0" }).out;
  assert.match(line(direct, "Function network"), /✓ Function network: host \(from FAASBOX_DOCKER_NETWORK\); FAASBOX_AGENT=0: runtimes reach their Runtime API directly on the host's loopback/, direct);
  const refused = doctor({ ...engine.clientEnv, FAASBOX_DOCKER_NETWORK: "none", FAASBOX_AGENT: "0" });
  assert.equal(refused.status, 1);
  assert.match(line(refused.out, "Function network"), /✗ Function network: none \(from FAASBOX_DOCKER_NETWORK\), and FAASBOX_AGENT=0 \(direct mode\) needs host networking/, refused.out);
});

test("the emulator (createExecutor) explains the refusal too, and falls back to processes under `auto` saying so", async () => {
  await assert.rejects(createExecutor("docker", "host", { dockerHost: engine.host }), (error: Error) => {
    assert.match(error.message, /speaks only TLS and this client used plain HTTP.*set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH/s);
    assert.match(error.message, /--executor process/);
    return true;
  });
  const fallback = await createExecutor("auto", "host", { dockerHost: engine.host });
  try {
    assert.equal(fallback.executor.kind, "process");
    assert.match(fallback.warning ?? "", /speaks only TLS.*DOCKER_TLS_VERIFY=1.*Then restart to run them in containers\./s);
  } finally {
    await fallback.executor.close();
  }
});

test("the emulator reaches the TLS engine from the environment and refuses a named network it does not have", async () => {
  const saved = { ...process.env };
  Object.assign(process.env, engine.clientEnv);
  try {
    await assert.rejects(createExecutor("docker", { name: "hots" }), /FAASBOX_DOCKER_NETWORK=hots: the Docker engine at tcp:\/\/127\.0\.0\.1:\d+ with TLS \(from DOCKER_HOST, .*\) has no network of that name/);
  } finally {
    for (const name of Object.keys(engine.clientEnv)) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  }
});
