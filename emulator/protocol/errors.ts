import { ResponseError } from "vscode-jsonrpc/node";

/** JSON-RPC error codes: the standard ones, and the emulator's own from -32000 down. */
export const ErrorCodes = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  UnknownFunction: -32001,
  ShuttingDown: -32002,
  DebugFailed: -32003,
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** An error a method answers with: its code tells a client what went wrong without parsing the message. */
export function protocolError(code: ErrorCode, message: string): ResponseError<void> {
  return new ResponseError(code, message);
}
