// InvokeWithResponseStream's route and parameters, as the Invoke API reads them before running anything.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ApiError } from "../../../emulator/triggers/invokeApi/apiError";
import { parseInvokeRequest } from "../../../emulator/triggers/invokeApi/invokeRequest";

const names = () => ["fn"];

test("the response-streaming-invocations path is InvokeWithResponseStream, with Invoke's name forms and LogType", () => {
  const request = parseInvokeRequest("POST", "/2021-11-15/functions/arn%3Aaws%3Alambda%3Aus-west-2%3A123456789012%3Afunction%3Afn/response-streaming-invocations", { "x-amz-log-type": "Tail" }, names);
  assert.deepEqual([request.name, request.streaming, request.tail, request.invocationType], ["fn", true, true, "RequestResponse"]);
  assert.equal(parseInvokeRequest("POST", "/2015-03-31/functions/fn/invocations", {}, names).streaming, false);
});

test("InvokeWithResponseStream refuses the Event invocation type, which it does not have", () => {
  assert.throws(
    () => parseInvokeRequest("POST", "/2021-11-15/functions/fn/response-streaming-invocations", { "x-amz-invocation-type": "Event" }, names),
    (error: unknown) => error instanceof ApiError && error.type === "InvalidParameterValueException" && /RequestResponse or DryRun/.test(error.message),
  );
});

test("an unknown route names both operations", () => {
  assert.throws(
    () => parseInvokeRequest("POST", "/2021-11-15/functions/fn/elsewhere", {}, names),
    (error: unknown) => error instanceof ApiError && error.status === 404 && /response-streaming-invocations/.test(error.message),
  );
});
