// The filter grammar shared by EventBridge patterns and Lambda FilterCriteria, checked
// against the examples of AWS's own pages:
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
// https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
import { test } from "node:test";
import assert from "node:assert/strict";
import { checkPattern, matchesAny, matchesPattern, parsePatternText, PatternError } from "../../../emulator/triggers/eventPattern";

const match = (pattern: object, event: unknown) => matchesPattern(checkPattern(pattern), event);

test("exact values: keys are ANDed, the values of one key ORed; strings, numbers, booleans and null compare exactly", () => {
  const pattern = { Location: ["New York"], Day: ["Monday", "Tuesday"] };
  assert.equal(match(pattern, { Location: "New York", Day: "Tuesday" }), true);
  assert.equal(match(pattern, { Location: "New York", Day: "Friday" }), false);
  assert.equal(match(pattern, { Day: "Monday" }), false, "a key of the pattern missing from the event");
  assert.equal(match({ UserID: [null] }, { UserID: null }), true);
  assert.equal(match({ UserID: [null] }, {}), false, "null is not the same as absent");
  assert.equal(match({ LastName: [""] }, { LastName: "" }), true);
  assert.equal(match({ count: [5] }, { count: 5 }), true);
  assert.equal(match({ count: [5] }, { count: "5" }), false, "a number never equals a string");
  assert.equal(match({ ok: [true] }, { ok: true }), true);
  assert.equal(match({ name: ["Alice"] }, { name: "alice" }), false, "exact matching is case-sensitive");
});

test("nested patterns follow the event's structure, and an array in the event matches when any element does", () => {
  const pattern = { source: ["aws.ec2"], detail: { state: ["running"] } };
  assert.equal(match(pattern, { source: "aws.ec2", detail: { state: "running", id: "i-1" } }), true);
  assert.equal(match(pattern, { source: "aws.ec2", detail: { state: "stopped" } }), false);
  assert.equal(match(pattern, { source: "aws.ec2" }), false);
  assert.equal(match({ resources: ["arn:aws:ec2:i-2"] }, { resources: ["arn:aws:ec2:i-1", "arn:aws:ec2:i-2"] }), true);
  assert.equal(match({ resources: ["arn:aws:ec2:i-3"] }, { resources: ["arn:aws:ec2:i-1", "arn:aws:ec2:i-2"] }), false);
});

test("prefix and suffix, with and without equals-ignore-case; they only match strings", () => {
  assert.equal(match({ Region: [{ prefix: "us-" }] }, { Region: "us-east-1" }), true);
  assert.equal(match({ Region: [{ prefix: "us-" }] }, { Region: "eu-west-1" }), false);
  assert.equal(match({ service: [{ prefix: { "equals-ignore-case": "eventb" } }] }, { service: "EventBridge" }), true);
  assert.equal(match({ FileName: [{ suffix: ".png" }] }, { FileName: "photo.png" }), true);
  assert.equal(match({ FileName: [{ suffix: ".png" }] }, { FileName: "photo.PNG" }), false);
  assert.equal(match({ service: [{ suffix: { "equals-ignore-case": "tbridge" } }] }, { service: "EVENTBRIDGE" }), true);
  assert.equal(match({ code: [{ prefix: "1" }] }, { code: 123 }), false);
});

test("equals-ignore-case and wildcard", () => {
  assert.equal(match({ Name: [{ "equals-ignore-case": "alice" }] }, { Name: "ALICE" }), true);
  assert.equal(match({ Name: [{ "equals-ignore-case": "alice" }] }, { Name: "bob" }), false);
  assert.equal(match({ EventBusArn: [{ wildcard: "arn:aws:events:us-east-1:*:event-bus/*" }] }, { EventBusArn: "arn:aws:events:us-east-1:123:event-bus/default" }), true);
  assert.equal(match({ FilePath: [{ wildcard: "*/lib/*" }] }, { FilePath: "/usr/local/bin" }), false);
  assert.equal(match({ name: [{ wildcard: "a\\*b" }] }, { name: "a*b" }), true, "an escaped star is a literal star");
  assert.equal(match({ name: [{ wildcard: "a\\*b" }] }, { name: "axb" }), false);
  assert.equal(match({ name: [{ wildcard: "v1.0*" }] }, { name: "v1x0" }), false, "a dot is not a regular-expression dot");
});

test("anything-but: a value, a list, a prefix, a suffix, ignoring case, a wildcard; never a missing field", () => {
  assert.equal(match({ state: [{ "anything-but": "initializing" }] }, { state: "running" }), true);
  assert.equal(match({ state: [{ "anything-but": "initializing" }] }, { state: "initializing" }), false);
  assert.equal(match({ state: [{ "anything-but": "initializing" }] }, {}), false);
  assert.equal(match({ state: [{ "anything-but": ["stopped", "overloaded"] }] }, { state: "stopped" }), false);
  assert.equal(match({ state: [{ "anything-but": ["stopped", "overloaded"] }] }, { state: "running" }), true);
  assert.equal(match({ x: [{ "anything-but": 123 }] }, { x: 124 }), true);
  assert.equal(match({ Region: [{ "anything-but": { prefix: "us-" } }] }, { Region: "us-west-2" }), false);
  assert.equal(match({ Region: [{ "anything-but": { prefix: "us-" } }] }, { Region: "eu-west-1" }), true);
  assert.equal(match({ FileName: [{ "anything-but": { suffix: ".png" } }] }, { FileName: "a.jpg" }), true);
  assert.equal(match({ state: [{ "anything-but": { "equals-ignore-case": "initializing" } }] }, { state: "INITIALIZING" }), false);
  assert.equal(match({ state: [{ "anything-but": { "equals-ignore-case": ["a", "b"] } }] }, { state: "B" }), false);
  assert.equal(match({ FilePath: [{ "anything-but": { wildcard: "*/lib/*" } }] }, { FilePath: "/usr/lib/x" }), false);
  assert.equal(match({ FilePath: [{ "anything-but": { wildcard: "*/lib/*" } }] }, { FilePath: "/usr/bin/x" }), true);
});

test("numeric: one or two comparisons, all holding; only numbers match", () => {
  const between = { "c-count": [{ numeric: [">", 0, "<=", 5] }] };
  assert.equal(match(between, { "c-count": 5 }), true);
  assert.equal(match(between, { "c-count": 0 }), false);
  assert.equal(match(between, { "c-count": 6 }), false);
  assert.equal(match(between, { "c-count": "3" }), false);
  assert.equal(match({ price: [{ numeric: ["=", 300] }] }, { price: 3.0e2 }), true);
  assert.equal(match({ price: [{ numeric: [">=", 10] }] }, { price: 10 }), true);
  assert.equal(match({ price: [{ numeric: ["<", 10] }] }, { price: 10 }), false);
});

test("exists: true for any value present (null included), false only for an absent field", () => {
  assert.equal(match({ detail: { state: [{ exists: true }] } }, { detail: { state: "x" } }), true);
  assert.equal(match({ detail: { state: [{ exists: true }] } }, { detail: {} }), false);
  assert.equal(match({ detail: { state: [{ exists: false }] } }, { detail: {} }), true);
  assert.equal(match({ detail: { state: [{ exists: false }] } }, {}), true, "a missing parent leaves the field absent too");
  assert.equal(match({ detail: { state: [{ exists: false }] } }, { detail: { state: null } }), false);
});

test("cidr matches IPv4 addresses inside the block", () => {
  const pattern = { sourceIPAddress: [{ cidr: "10.0.0.0/24" }] };
  assert.equal(match(pattern, { sourceIPAddress: "10.0.0.255" }), true);
  assert.equal(match(pattern, { sourceIPAddress: "10.0.1.0" }), false);
  assert.equal(match(pattern, { sourceIPAddress: "not an ip" }), false);
  assert.equal(match({ ip: [{ cidr: "0.0.0.0/0" }] }, { ip: "192.168.1.1" }), true);
});

test("$or: any of the alternatives at that level", () => {
  const pattern = { source: ["my.app"], $or: [{ "c-count": [{ numeric: [">", 0, "<=", 5] }] }, { "d-count": [{ numeric: ["<", 10] }] }, { "x-limit": [{ "anything-but": [100, 200, 300] }] }] };
  assert.equal(match(pattern, { source: "my.app", "d-count": 3 }), true);
  assert.equal(match(pattern, { source: "my.app", "x-limit": 150 }), true);
  assert.equal(match(pattern, { source: "my.app", "x-limit": 200 }), false);
  assert.equal(match(pattern, { source: "other", "d-count": 3 }), false);
});

test("Lambda's filters are ORed, and a Pattern string is parsed as JSON (the SQS documentation's example)", () => {
  const filters = [parsePatternText('{ "body" : { "RequestCode" : [ "BBBB" ] } }'), parsePatternText('{"body": {"RecordNumber": [{"numeric": [">", 9000]}]}}')];
  assert.equal(matchesAny(filters, { body: { RecordNumber: 1234, RequestCode: "BBBB" } }), true);
  assert.equal(matchesAny(filters, { body: { RecordNumber: 9999, RequestCode: "AAAA" } }), true);
  assert.equal(matchesAny(filters, { body: { RecordNumber: 1234, RequestCode: "AAAA" } }), false);
  assert.equal(matchesAny([], { body: {} }), false);
});

test("a wrong pattern is refused naming the place inside it and what is expected", () => {
  const problem = (pattern: unknown) => {
    try {
      checkPattern(pattern);
    } catch (error) {
      assert.ok(error instanceof PatternError);
      return error.message;
    }
    assert.fail("accepted");
  };
  assert.match(problem({ detail: { state: [{ prefx: "a" }] } }), /^detail\.state\[0\]: unknown operator "prefx"; expected one of prefix/);
  assert.match(problem({ n: [{ numeric: [">", "5"] }] }), /^n\[0\]\.numeric: expected a list of one or two comparisons/);
  assert.match(problem({ s: "running" }), /^s: expected a list of values/);
  assert.match(problem({ s: [] }), /^s: an empty list matches nothing/);
  assert.match(problem({ ip: [{ cidr: "10.0.0.0/40" }] }), /^ip\[0\]\.cidr: expected an IPv4 CIDR block/);
  assert.match(problem({ $or: [{ a: ["x"] }] }), /^\$or: expected a list of at least two patterns/);
  assert.match(problem(["a"]), /expected a JSON object/);
  assert.throws(() => parsePatternText("{body: 1}"), /not valid JSON/);
});
