import { test } from "node:test";
import assert from "node:assert/strict";
import { lookupRuntime, supportedRuntimeNames, unknownRuntimeProblem } from "../../../emulator/project/runtimes";

test("SCF runtime names map to their family, in any case", () => {
  for (const name of ["Nodejs6.10", "Nodejs8.9", "Nodejs10.15", "Nodejs12.16", "Nodejs14.18", "Nodejs16.13", "Nodejs18.15", "Nodejs20.x", "nodejs18.15"]) {
    assert.deepEqual(lookupRuntime(name), { family: "nodejs", dialect: "scf" }, name);
  }
  for (const name of ["Python2.7", "Python3.6", "Python3.7", "Python3.9", "Python3.10", "Python3.11", "Python3.12"]) {
    assert.deepEqual(lookupRuntime(name), { family: "python", dialect: "scf" }, name);
  }
  assert.deepEqual(lookupRuntime("CustomRuntime"), { family: "custom", dialect: "scf" });
});

test("Lambda runtime names map to their family and the AWS dialect", () => {
  assert.deepEqual(lookupRuntime("nodejs20.x"), { family: "nodejs", dialect: "aws" });
  assert.deepEqual(lookupRuntime("nodejs18.x"), { family: "nodejs", dialect: "aws" });
  assert.deepEqual(lookupRuntime("python3.12"), { family: "python", dialect: "aws" });
  for (const name of ["provided", "provided.al2", "provided.al2023"]) {
    assert.deepEqual(lookupRuntime(name), { family: "custom", dialect: "aws" }, name);
  }
});

test("runtimes Faasbox cannot run are unknown", () => {
  for (const name of ["Go1", "Php7", "java8.al3", "Java", "dotnet8", "ruby3.3", "node20", ""]) {
    assert.equal(lookupRuntime(name), undefined, name);
  }
});

test("Java: Lambda's exact names and SCF's Java8 and Java11 in any case", () => {
  for (const name of ["java8", "java8.al2", "java11", "java17", "java21"]) assert.deepEqual(lookupRuntime(name), { family: "java", dialect: "aws" }, name);
  for (const name of ["Java8", "Java11", "JAVA11"]) assert.deepEqual(lookupRuntime(name), { family: "java", dialect: "scf" }, name);
  assert.equal(lookupRuntime("Java8", "aws"), undefined, "Lambda spells its names in lower case");
  assert.equal(lookupRuntime("java8.al2", "scf"), undefined, "SCF has no java8.al2");
});

test("a dialect limits the names to that cloud's, which Lambda spells exactly", () => {
  assert.equal(lookupRuntime("Nodejs18.15", "aws"), undefined);
  assert.equal(lookupRuntime("nodejs99.x", "aws"), undefined);
  assert.equal(lookupRuntime("Python3.12", "aws"), undefined);
  assert.equal(lookupRuntime("provided.al2", "scf"), undefined);
  assert.deepEqual(lookupRuntime("nodejs20.x", "scf"), { family: "nodejs", dialect: "scf" });
});

test("the unknown-runtime problem lists the supported names", () => {
  const problem = unknownRuntimeProblem("nodejs99.x", "aws");
  assert.match(problem, /^unknown runtime "nodejs99\.x"; expected one of nodejs16\.x, nodejs18\.x, nodejs20\.x, /);
  assert.ok(problem.endsWith("provided, provided.al2, provided.al2023"));
  assert.ok(unknownRuntimeProblem("Go1", "scf").includes("Nodejs18.15") && unknownRuntimeProblem("Go1", "scf").endsWith("CustomRuntime"));
  assert.deepEqual(supportedRuntimeNames(), [...supportedRuntimeNames("scf"), ...supportedRuntimeNames("aws")]);
});
