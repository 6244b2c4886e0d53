import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { imageCandidates, runtimeEnvName } from "../../emulator/config/images";
import { declaredRuntime, lambdaBaseImage, publicImage, versionMatches } from "../../emulator/config/runtimeVersions";
import { versionNotice } from "../../emulator/core/runtime/runtimeNotice";
import { parseProbe } from "../../emulator/core/docker/imageProbe";
import { runtimeLabel } from "../../emulator/project/runtimeHereText";

function configHome(config?: object): string {
  const home = mkdtempSync(join(tmpdir(), "faasbox-config-"));
  if (config) {
    mkdirSync(join(home, "faasbox"));
    writeFileSync(join(home, "faasbox", "config.json"), JSON.stringify(config));
  }
  return home;
}

test("each runtime name declares its language and version, in both clouds' spellings", () => {
  assert.deepEqual(declaredRuntime("nodejs24.x", "nodejs"), { family: "nodejs", version: "24" });
  assert.deepEqual(declaredRuntime("Nodejs16.13", "nodejs"), { family: "nodejs", version: "16" });
  assert.deepEqual(declaredRuntime("python3.14", "python"), { family: "python", version: "3.14" });
  assert.deepEqual(declaredRuntime("Python2.7", "python"), { family: "python", version: "2.7" });
  assert.deepEqual(declaredRuntime("provided.al2023", "custom"), { family: "custom", os: "al2023" });
});

test("each version has its official image, old ones on the Debian they were last built on, and AWS's base image as a choice", () => {
  assert.equal(publicImage(declaredRuntime("nodejs22.x", "nodejs")), "node:22-bookworm-slim");
  assert.equal(publicImage(declaredRuntime("Nodejs12.16", "nodejs")), "node:12-bullseye-slim");
  assert.equal(publicImage(declaredRuntime("python3.9", "python")), "python:3.9-slim-bookworm");
  assert.equal(publicImage(declaredRuntime("Python2.7", "python")), "python:2.7-slim-buster");
  assert.equal(lambdaBaseImage(declaredRuntime("nodejs22.x", "nodejs")), "public.ecr.aws/lambda/nodejs:22");
  assert.equal(lambdaBaseImage(declaredRuntime("python3.12", "python")), "public.ecr.aws/lambda/python:3.12");
  assert.equal(lambdaBaseImage(declaredRuntime("provided.al2023", "custom")), "public.ecr.aws/lambda/provided:al2023");
});

test("a version matches on the Node.js major and on the Python major.minor", () => {
  assert.ok(versionMatches(declaredRuntime("nodejs22.x", "nodejs"), "22.23.5"));
  assert.ok(!versionMatches(declaredRuntime("nodejs24.x", "nodejs"), "20.20.2"));
  assert.ok(versionMatches(declaredRuntime("Nodejs16.13", "nodejs"), "16.20.2"));
  assert.ok(!versionMatches(declaredRuntime("python3.9", "python"), "3.11.2"));
  assert.ok(!versionMatches(declaredRuntime("Python2.7", "python"), "3.11.2"));
});

test("without configuration a runtime tries its version's official image, then the family's default", () => {
  const { candidates } = imageCandidates("nodejs22.x", "nodejs", {}, { XDG_CONFIG_HOME: configHome() });
  assert.deepEqual(candidates.map((c) => c.image), ["node:22-bookworm-slim", "node:20-bookworm-slim"]);
});

test("the user's choices come first, the runtime name's before the family's, and setup's version image before the official one", () => {
  const home = configHome({ images: { nodejs: "local-base", "nodejs@22": "local-node22", "nodejs24.x": "mine-24" } });
  const env = { XDG_CONFIG_HOME: home };
  assert.deepEqual(imageCandidates("nodejs22.x", "nodejs", {}, env).candidates.map((c) => c.image), ["local-node22", "node:22-bookworm-slim", "local-base", "node:20-bookworm-slim"]);
  assert.equal(imageCandidates("nodejs24.x", "nodejs", {}, env).candidates[0].image, "mine-24");
  const withEnv = { ...env, FAASBOX_IMAGE_NODEJS: "env-family", [runtimeEnvName("nodejs22.x")]: "env-22" };
  assert.equal(runtimeEnvName("nodejs22.x"), "FAASBOX_IMAGE_NODEJS22_X");
  assert.deepEqual(imageCandidates("nodejs22.x", "nodejs", {}, withEnv).candidates.slice(0, 3).map((c) => c.image), ["env-22", "env-family", "local-node22"]);
  const project = { "nodejs22.x": "project-22", nodejs: "project-family" };
  const first = imageCandidates("nodejs22.x", "nodejs", project, withEnv).candidates.slice(0, 2);
  assert.deepEqual(first, [{ image: "project-22", source: "faasbox.yml images.nodejs22.x" }, { image: "project-family", source: "faasbox.yml images.nodejs" }]);
});

test("imageSource lambda puts AWS's base image in place of the official one; another value is an error naming where it was set", () => {
  const env = { XDG_CONFIG_HOME: configHome({ imageSource: "lambda" }) };
  assert.equal(imageCandidates("python3.12", "python", {}, env).candidates[0].image, "public.ecr.aws/lambda/python:3.12");
  assert.throws(() => imageCandidates("python3.12", "python", {}, { ...env, FAASBOX_IMAGE_SOURCE: "ecr" }), /FAASBOX_IMAGE_SOURCE: expected "public" or "lambda", got "ecr"/);
});

test("a version that differs is said with the images that could not be had; the declared one is not", () => {
  const declared = declaredRuntime("nodejs24.x", "nodejs");
  const notice = versionNotice({
    runtime: "nodejs24.x", declared, actual: "20.20.2", image: { image: "local-base", source: "config images.nodejs" },
    unavailable: [{ image: "node:24-bookworm-slim", reason: "cannot be pulled (no registry)" }],
  });
  assert.equal(notice, "faasbox: nodejs24.x runs on Node.js 20.20.2 here, not Node.js 24 (no image for Node.js 24 on this engine: node:24-bookworm-slim cannot be pulled (no registry); running local-base (config images.nodejs))");
  assert.equal(versionNotice({ runtime: "nodejs24.x", declared, actual: "24.1.0", image: { image: "x", source: "y" }, unavailable: [] }), undefined);
  assert.match(versionNotice({ runtime: "python3.9", declared: declaredRuntime("python3.9", "python"), image: { image: "busybox", source: "faasbox.yml" }, unavailable: [] }) ?? "", /which Python version the image busybox runs is unknown/);
  assert.equal(runtimeLabel("nodejs24.x", { version: "20.20.2", notices: [notice!] }), "nodejs24.x → 20.20.2 here (!)");
  assert.equal(runtimeLabel("nodejs22.x", { version: "22.23.5", notices: [] }), "nodejs22.x (22.23.5)");
});

test("the image probe's output reads as versions and the shell /bin/sh leads to", () => {
  assert.deepEqual(parseProbe("sh=/usr/bin/dash\nbash=/usr/bin/bash\nnode=v20.20.2\npython=Python 3.11.2\n"), { node: "20.20.2", python: "3.11.2", java: undefined, sh: "/usr/bin/dash", hasBash: true });
  assert.deepEqual(parseProbe("sh=/bin/busybox\nbash=\nnode=\npython=sh: python: not found\n"), { node: undefined, python: undefined, java: undefined, sh: "/bin/busybox", hasBash: false });
});
