// Which Docker engine Faasbox picks, and why, from fake environments and temporary docker
// config folders: nothing here connects to an engine.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveEngineTarget, type TargetInputs } from "../../emulator/core/docker/engineTarget";
import { connectDocker, dockerOptionsForTarget, explainEngineError } from "../../emulator/core/docker/engine";

/** A home folder with an empty ~/.docker; `/var/run/docker.sock` exists unless said otherwise. */
function fakeHome(): string {
  const home = mkdtempSync(join(tmpdir(), "faasbox-home-"));
  mkdirSync(join(home, ".docker"));
  return home;
}

function certDir(parent: string, files: string[] = ["ca.pem", "cert.pem", "key.pem"]): string {
  mkdirSync(parent, { recursive: true });
  for (const file of files) writeFileSync(join(parent, file), `-----BEGIN ${file}-----\n`);
  return parent;
}

/** Writes a context the way `docker context create` does (checked against docker 28 in test/docker/engineSelection.test.ts). */
function writeContext(configDir: string, name: string, host: string, options: { skipTlsVerify?: boolean; tls?: string[] } = {}): void {
  const id = createHash("sha256").update(name).digest("hex");
  mkdirSync(join(configDir, "contexts", "meta", id), { recursive: true });
  writeFileSync(
    join(configDir, "contexts", "meta", id, "meta.json"),
    JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: options.skipTlsVerify ?? false } } }),
  );
  if (options.tls) certDir(join(configDir, "contexts", "tls", id, "docker"), options.tls);
}

function useContext(configDir: string, name: string): void {
  writeFileSync(join(configDir, "config.json"), JSON.stringify({ auths: {}, currentContext: name }));
}

function resolve(env: NodeJS.ProcessEnv, more: Partial<TargetInputs> = {}) {
  const home = more.home ?? fakeHome();
  return resolveEngineTarget({ env, home, platform: "linux", exists: () => true, uid: 1000, ...more });
}

test("without any setting: the default socket", () => {
  const target = resolve({});
  assert.equal(target.host, "unix:///var/run/docker.sock");
  assert.equal(target.transport, "unix");
  assert.equal(target.local, true);
  assert.equal(target.source, "default");
  assert.equal(target.description, "unix:///var/run/docker.sock (default socket)");
  assert.equal(target.problem, undefined);
  assert.deepEqual(dockerOptionsForTarget(target).socketPath, "/var/run/docker.sock");
});

test("the emulator's option wins over DOCKER_HOST and the docker context", () => {
  const home = fakeHome();
  writeContext(join(home, ".docker"), "remote", "tcp://10.0.0.5:2376");
  useContext(join(home, ".docker"), "remote");
  const target = resolve({ DOCKER_HOST: "tcp://10.0.0.9:2375" }, { home, dockerHost: "unix:///tmp/mine.sock" });
  assert.equal(target.description, "unix:///tmp/mine.sock (from the emulator's options)");
  assert.equal(target.source, "option");
});

test("DOCKER_HOST: unix, tcp (default port 2375, local or remote), npipe", () => {
  assert.equal(resolve({ DOCKER_HOST: "unix:///run/user/1000/docker.sock" }).description, "unix:///run/user/1000/docker.sock (from DOCKER_HOST)");
  const loopback = resolve({ DOCKER_HOST: "tcp://127.0.0.1" });
  assert.equal(loopback.host, "tcp://127.0.0.1:2375");
  assert.equal(loopback.transport, "tcp");
  assert.equal(loopback.local, true);
  assert.equal(loopback.tls, undefined);
  const remote = resolve({ DOCKER_HOST: "build-box:2375" });
  assert.equal(remote.host, "tcp://build-box:2375");
  assert.equal(remote.local, false);
  const options = dockerOptionsForTarget(remote) as Record<string, unknown>;
  assert.equal(options.protocol, "http");
  assert.equal(options.host, "build-box");
  assert.equal(options.port, "2375");
  const pipe = resolve({ DOCKER_HOST: "npipe:////./pipe/docker_engine" });
  assert.equal(pipe.transport, "npipe");
  assert.equal(dockerOptionsForTarget(pipe).socketPath, "//./pipe/docker_engine");
});

test("DOCKER_TLS_VERIFY and DOCKER_CERT_PATH: TLS with a verified engine, certificates from that folder", () => {
  const home = fakeHome();
  const certs = certDir(join(home, ".docker", "x"));
  const target = resolve({ DOCKER_HOST: "tcp://127.0.0.1:2376", DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: certs }, { home });
  assert.equal(target.transport, "tcp+TLS");
  assert.equal(target.tls?.verify, true);
  assert.ok(target.tls?.ca && target.tls.cert && target.tls.key);
  assert.equal(target.description, "tcp://127.0.0.1:2376 with TLS (from DOCKER_HOST, certificates in ~/.docker/x)");
  const options = dockerOptionsForTarget(target) as Record<string, unknown>;
  assert.equal(options.protocol, "https");
  assert.ok(Buffer.isBuffer(options.ca) && Buffer.isBuffer(options.cert) && Buffer.isBuffer(options.key));
  assert.equal(options.agent, undefined, "a verified engine uses Node's own checks");
});

test("as the docker CLI: any non-empty DOCKER_TLS_VERIFY verifies, an empty one is unset; the default port with TLS is 2376", () => {
  const home = fakeHome();
  certDir(join(home, ".docker"));
  assert.equal(resolve({ DOCKER_HOST: "tcp://h", DOCKER_TLS_VERIFY: "0" }, { home }).tls?.verify, true);
  assert.equal(resolve({ DOCKER_HOST: "tcp://h", DOCKER_TLS_VERIFY: "0" }, { home }).host, "tcp://h:2376");
  assert.equal(resolve({ DOCKER_HOST: "tcp://h", DOCKER_TLS_VERIFY: "" }, { home }).tls, undefined);
  // DOCKER_CERT_PATH alone does not turn TLS on (the docker CLI needs --tls or --tlsverify).
  assert.equal(resolve({ DOCKER_HOST: "tcp://h:2376", DOCKER_CERT_PATH: join(home, ".docker") }, { home }).tls, undefined);
});

test("without DOCKER_CERT_PATH the certificates come from DOCKER_CONFIG, else ~/.docker", () => {
  const home = fakeHome();
  certDir(join(home, ".docker"));
  const fromHome = resolve({ DOCKER_HOST: "tcp://h:2376", DOCKER_TLS_VERIFY: "1" }, { home });
  assert.equal(fromHome.tls?.certDir, join(home, ".docker"));
  assert.match(fromHome.description, /certificates in ~\/\.docker\)$/);
  const config = certDir(join(home, "elsewhere"));
  const fromConfig = resolve({ DOCKER_HOST: "tcp://h:2376", DOCKER_TLS_VERIFY: "1", DOCKER_CONFIG: config }, { home });
  assert.equal(fromConfig.tls?.certDir, config);
});

test("DOCKER_TLS without DOCKER_TLS_VERIFY: TLS without checking the engine's certificate", () => {
  const home = fakeHome();
  const certs = certDir(join(home, "c"), ["cert.pem", "key.pem"]);
  const target = resolve({ DOCKER_HOST: "tcp://10.1.2.3:2376", DOCKER_TLS: "1", DOCKER_CERT_PATH: certs }, { home });
  assert.equal(target.tls?.verify, false);
  assert.match(target.description, /with TLS, the engine's certificate not verified/);
  const options = dockerOptionsForTarget(target) as { agent?: { options: { rejectUnauthorized?: boolean } } };
  assert.equal(options.agent?.options.rejectUnauthorized, false);
});

test("missing certificates are a problem that says what to set", () => {
  const home = fakeHome();
  const empty = join(home, "empty");
  mkdirSync(empty);
  const none = resolve({ DOCKER_HOST: "tcp://h:2376", DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: empty }, { home });
  assert.match(none.problem ?? "", /DOCKER_CERT_PATH is .*empty, which holds none of ca\.pem, cert\.pem and key\.pem/);
  assert.throws(() => dockerOptionsForTarget(none), /DOCKER_CERT_PATH/);
  const half = certDir(join(home, "half"), ["ca.pem", "cert.pem"]);
  assert.match(resolve({ DOCKER_HOST: "tcp://h:2376", DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: half }, { home }).problem ?? "", /key\.pem is missing/);
});

test("ssh:// is named and refused with what to do instead", () => {
  const target = resolve({ DOCKER_HOST: "ssh://me@build-box" });
  assert.equal(target.transport, "ssh");
  assert.equal(target.local, false);
  assert.match(target.problem ?? "", /ssh:\/\/me@build-box \(from DOCKER_HOST\) is an ssh:\/\/ engine, which this build of Faasbox cannot reach/);
  assert.match(target.problem ?? "", /ssh -nNT -L \/tmp\/faasbox-docker\.sock:\/var\/run\/docker\.sock me@build-box/);
  assert.match(target.problem ?? "", /DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH/);
  assert.match(target.problem ?? "", /docker context create/);
});

test("an address that is no engine address is a problem naming DOCKER_HOST", () => {
  assert.match(resolve({ DOCKER_HOST: "ftp://h" }).problem ?? "", /^DOCKER_HOST is ftp:\/\/h, whose ftp:\/\/ is not a Docker engine transport/);
  assert.match(resolve({ DOCKER_HOST: "tcp://" }).problem ?? "", /not a Docker engine address/);
});

test("the docker CLI's current context, with its TLS material and SkipTLSVerify", () => {
  const home = fakeHome();
  const config = join(home, ".docker");
  writeContext(config, "remote", "tcp://10.0.0.5:2376", { tls: ["ca.pem", "cert.pem", "key.pem"] });
  useContext(config, "remote");
  const target = resolve({}, { home });
  assert.equal(target.description, 'tcp://10.0.0.5:2376 with TLS (docker context "remote")');
  assert.equal(target.source, "context");
  assert.equal(target.context, "remote");
  assert.equal(target.tls?.verify, true);
  assert.ok(target.tls?.ca && target.tls.cert && target.tls.key);
  assert.equal(target.local, false);

  writeContext(config, "skip", "tcp://10.0.0.6:2376", { skipTlsVerify: true });
  useContext(config, "skip");
  const skip = resolve({}, { home });
  assert.equal(skip.transport, "tcp+TLS");
  assert.equal(skip.tls?.verify, false);

  writeContext(config, "plain", "tcp://10.0.0.7:2375");
  useContext(config, "plain");
  const plain = resolve({}, { home });
  assert.equal(plain.transport, "tcp");
  assert.equal(plain.description, 'tcp://10.0.0.7:2375 (docker context "plain")');

  writeContext(config, "desktop-linux", "unix:///Users/me/.docker/run/docker.sock");
  useContext(config, "desktop-linux");
  assert.equal(resolve({}, { home }).description, 'unix:///Users/me/.docker/run/docker.sock (docker context "desktop-linux")');
});

test("DOCKER_CONTEXT beats config.json; DOCKER_HOST beats both; `default` is the default socket", () => {
  const config = join(fakeHome(), "config");
  mkdirSync(config);
  writeContext(config, "a", "tcp://10.0.0.1:2375");
  writeContext(config, "b", "tcp://10.0.0.2:2375");
  useContext(config, "a");
  assert.equal(resolve({ DOCKER_CONFIG: config }).host, "tcp://10.0.0.1:2375");
  assert.equal(resolve({ DOCKER_CONFIG: config, DOCKER_CONTEXT: "b" }).host, "tcp://10.0.0.2:2375");
  assert.equal(resolve({ DOCKER_CONFIG: config, DOCKER_CONTEXT: "b", DOCKER_HOST: "unix:///x.sock" }).host, "unix:///x.sock");
  assert.equal(resolve({ DOCKER_CONFIG: config, DOCKER_CONTEXT: "default" }).description, "unix:///var/run/docker.sock (default socket)");
  // The context's TLS settings are its own: DOCKER_TLS_VERIFY is for DOCKER_HOST.
  assert.equal(resolve({ DOCKER_CONFIG: config, DOCKER_TLS_VERIFY: "1" }).tls, undefined);
});

test("a context that does not exist, or that uses ssh, is a problem", () => {
  const config = join(fakeHome(), ".docker");
  useContext(config, "gone");
  const gone = resolve({ DOCKER_CONFIG: config });
  assert.equal(gone.description.startsWith('docker context "gone" (current in '), true);
  assert.match(gone.problem ?? "", /docker context "gone" .* does not exist in .*contexts: run 'docker context ls'/);
  writeContext(config, "over-ssh", "ssh://me@far");
  assert.match(resolve({ DOCKER_CONFIG: config, DOCKER_CONTEXT: "over-ssh" }).problem ?? "", /ssh:\/\/me@far \(docker context "over-ssh"\) is an ssh:\/\/ engine/);
});

test("Podman's sockets only when /var/run/docker.sock does not exist", () => {
  const home = fakeHome();
  const runtime = mkdtempSync(join(tmpdir(), "faasbox-xdg-"));
  const podmanSock = join(runtime, "podman", "podman.sock");
  const sockets = new Set([podmanSock, "/run/podman/podman.sock"]);
  const exists = (path: string) => sockets.has(path);
  const env = { XDG_RUNTIME_DIR: runtime };
  const user = resolve(env, { home, exists });
  assert.equal(user.description, `unix://${podmanSock} (Podman)`);
  assert.equal(user.source, "podman");
  sockets.delete(podmanSock);
  assert.equal(resolve(env, { home, exists }).description, "unix:///run/podman/podman.sock (Podman)");
  // Without XDG_RUNTIME_DIR, the user's /run/user/UID.
  sockets.add("/run/user/1000/podman/podman.sock");
  assert.equal(resolve({}, { home, exists }).host, "unix:///run/user/1000/podman/podman.sock");
  // Docker's socket, when it is there, wins.
  sockets.add("/var/run/docker.sock");
  assert.equal(resolve(env, { home, exists }).description, "unix:///var/run/docker.sock (default socket)");
  // Nothing anywhere: the default socket, which the connection error then names.
  assert.equal(resolve(env, { home, exists: () => false }).description, "unix:///var/run/docker.sock (default socket)");
});

test("Docker Desktop's and rootless Docker's sockets come before Podman's", () => {
  const home = fakeHome();
  const desktop = join(home, ".docker", "run", "docker.sock");
  const sockets = new Set([desktop, "/run/user/1000/docker.sock", "/run/user/1000/podman/podman.sock"]);
  const exists = (path: string) => sockets.has(path);
  assert.equal(resolve({}, { home, exists }).description, `unix://${desktop} (Docker Desktop)`);
  sockets.delete(desktop);
  assert.equal(resolve({}, { home, exists }).description, "unix:///run/user/1000/docker.sock (rootless Docker)");
});

test("on Windows the default is Docker's named pipe", () => {
  const target = resolve({}, { platform: "win32" });
  assert.equal(target.description, "npipe:////./pipe/docker_engine (default pipe)");
  assert.equal(target.transport, "npipe");
});

test("an explicit address is used whatever DOCKER_HOST says, even one dockerode itself could not read", () => {
  const saved = process.env.DOCKER_HOST;
  process.env.DOCKER_HOST = "tcp://[not an address";
  try {
    const docker = connectDocker("unix:///tmp/faasbox-nowhere.sock", {});
    assert.equal((docker.modem as unknown as { socketPath: string }).socketPath, "/tmp/faasbox-nowhere.sock");
    assert.equal(process.env.DOCKER_HOST, "tcp://[not an address");
    assert.throws(() => connectDocker(undefined, { DOCKER_HOST: "ssh://me@far" }), /cannot reach \(it has no ssh client\)/);
  } finally {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
  }
});

test("engine errors are explained with what to set", () => {
  const home = fakeHome();
  const plain = resolve({ DOCKER_HOST: "tcp://127.0.0.1:2376" }, { home });
  const httpToHttps = Object.assign(new Error("(HTTP code 400) unexpected - Client sent an HTTP request to an HTTPS server."), { statusCode: 400 });
  const explained = explainEngineError(httpToHttps, plain);
  assert.match(explained.reason, /speaks only TLS/);
  assert.match(explained.fix ?? "", /DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH/);

  const certs = certDir(join(home, "c"), ["ca.pem"]);
  const noClientCert = resolve({ DOCKER_HOST: "tcp://127.0.0.1:2376", DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: certs }, { home });
  const refused = explainEngineError(Object.assign(new Error("tlsv13 alert certificate required"), { code: "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED" }), noClientCert);
  assert.match(refused.reason, /refused this client, which presented no client certificate/);
  assert.match(refused.fix ?? "", /DOCKER_CERT_PATH/);

  const untrusted = explainEngineError(Object.assign(new Error("self-signed certificate in certificate chain"), { code: "SELF_SIGNED_CERT_IN_CHAIN" }), noClientCert);
  assert.match(untrusted.fix ?? "", /ca\.pem/);

  const missing = explainEngineError(Object.assign(new Error("connect ENOENT /x.sock"), { code: "ENOENT" }), resolve({ DOCKER_HOST: "unix:///x.sock" }));
  assert.equal(missing.reason, "there is no socket at /x.sock");
});
