// A module resolve hook: ES modules find packages in the NODE_PATH folders too, after the usual
// lookup (the function's own node_modules, then its parents') fails, as Lambda's Node.js 18+
// runtimes do: "Starting with Node.js 18, Lambda searches folders in the NODE_PATH environment
// variable when loading ES modules" and the runtime-included SDK can be imported
// (https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html#designate-es-module).
// Node's own ES module resolution ignores NODE_PATH (https://nodejs.org/api/esm.html#no-node_path).
// Registered by bootstrap.js with module.register(); runs on Node's loader thread.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

let folders = [];

export function initialize(data) {
  folders = Array.isArray(data && data.folders) ? data.folders : [];
}

/** A bare package name ("pkg", "@scope/pkg/sub"), not a path, URL or builtin. */
function isBare(specifier) {
  return !/^(\.{0,2}\/|[a-z][a-z0-9+.-]*:)/i.test(specifier);
}

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (!error || error.code !== 'ERR_MODULE_NOT_FOUND' || !isBare(specifier)) throw error;
    for (const folder of folders) {
      // Resolving from a file beside a node_modules folder looks in that folder (then its parents,
      // which a NODE_PATH entry does not; harmless: those are tried in their turn or hold nothing).
      const parent = path.basename(folder) === 'node_modules' ? path.dirname(folder) : folder;
      try {
        return await nextResolve(specifier, { ...context, parentURL: pathToFileURL(path.join(parent, 'faasbox-node-path.mjs')).href });
      } catch {
        // not in this folder: the next one
      }
    }
    throw error;
  }
}
