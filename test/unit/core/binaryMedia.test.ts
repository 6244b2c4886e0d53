// Binary media types as API Gateway applies them: the pattern matching, and which side decides.
import { test } from "node:test";
import assert from "node:assert/strict";
import { httpApiRequestIsBinary, matchesBinaryMediaType, restDecodesBase64Response, restRequestIsBinary } from "../../../emulator/triggers/http/binaryMedia";

test("a media type matches a binary media type exactly, by wildcard, or written the SAM way (~1), parameters aside", () => {
  assert.equal(matchesBinaryMediaType("image/png", ["image/png"]), true);
  assert.equal(matchesBinaryMediaType("Image/PNG; q=0.9", ["image/png"]), true);
  assert.equal(matchesBinaryMediaType("image/jpeg", ["image/*"]), true);
  assert.equal(matchesBinaryMediaType("application/pdf", ["*/*"]), true);
  assert.equal(matchesBinaryMediaType("image/png", ["image~1png"]), true);
  assert.equal(matchesBinaryMediaType("image/png", ["image/jpeg"]), false);
  assert.equal(matchesBinaryMediaType("*/*", ["image/png"]), false, "the client's wildcard is not a binary type");
  assert.equal(matchesBinaryMediaType(undefined, ["*/*"]), false);
  assert.equal(matchesBinaryMediaType("image/png", undefined), false);
});

test("REST: the request's Content-Type decides the event's encoding; the first Accept type decides the response's", () => {
  assert.equal(restRequestIsBinary("application/octet-stream", ["application/octet-stream"]), true);
  assert.equal(restRequestIsBinary("application/json", ["application/json"]), true, "a text type listed as binary is binary");
  assert.equal(restRequestIsBinary("application/octet-stream", []), false);
  assert.equal(restDecodesBase64Response("image/webp,image/*,*/*;q=0.8", ["image/webp"]), true);
  assert.equal(restDecodesBase64Response("text/html,image/webp", ["image/webp"]), false);
});

test("HTTP API: text/*, JSON, XML and JavaScript bodies are text; anything else, a missing Content-Type included, binary", () => {
  for (const type of ["text/plain", "text/html; charset=utf-8", "application/json", "application/xml", "application/javascript"]) assert.equal(httpApiRequestIsBinary(type), false, type);
  for (const type of [undefined, "", "application/x-www-form-urlencoded", "application/octet-stream", "image/png", "multipart/form-data; boundary=x"]) assert.equal(httpApiRequestIsBinary(type), true, String(type));
});
