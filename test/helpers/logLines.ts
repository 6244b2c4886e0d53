/**
 * A log line's message without the prefix Node.js runtimes put before console output: Lambda's
 * `<ISO time>\t<request id>\t<LEVEL>\t` (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html)
 * and SCF's `<ISO time> <request id> ` (https://www.tencentcloud.com/document/product/583/46772).
 * Lines without one (print, direct writes, platform lines) come back as they are.
 */
export function messageOf(text: string): string {
  return text.replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z(?:\t[^\t]*\t[A-Z]+\t| [0-9a-f-]{36} | )/, "");
}
