#!/usr/bin/env node
// Fails when TypeScript files import each other in a circle, type-only imports included:
// a circle of types is still a seam never drawn (make a leaf module or a narrow interface).
// TypeScript's own scanner and resolver find the imports; usage: importCircles.mjs DIR...
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import ts from "typescript";

const roots = process.argv.slice(2);
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (/\.tsx?$/.test(name) && !name.endsWith(".d.ts")) files.push(resolve(path));
  }
};
roots.forEach(walk);

const known = new Set(files);
const options = { moduleResolution: ts.ModuleResolutionKind.Node10, allowJs: false, resolveJsonModule: true };
const edges = new Map();
for (const file of files) {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  const targets = new Set();
  for (const { fileName } of importedFiles) {
    if (!fileName.startsWith(".")) continue;
    const resolved = ts.resolveModuleName(fileName, file, options, ts.sys).resolvedModule?.resolvedFileName;
    if (resolved && known.has(resolved) && resolved !== file) targets.add(resolved);
  }
  edges.set(file, targets);
}

// Tarjan's strongly connected components: each component of more than one file is a circle.
let counter = 0;
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const circles = [];
const visit = (file) => {
  index.set(file, counter);
  low.set(file, counter++);
  stack.push(file);
  onStack.add(file);
  for (const next of edges.get(file)) {
    if (!index.has(next)) {
      visit(next);
      low.set(file, Math.min(low.get(file), low.get(next)));
    } else if (onStack.has(next)) {
      low.set(file, Math.min(low.get(file), index.get(next)));
    }
  }
  if (low.get(file) !== index.get(file)) return;
  const component = [];
  let member;
  do {
    member = stack.pop();
    onStack.delete(member);
    component.push(relative(process.cwd(), member));
  } while (member !== file);
  if (component.length > 1) circles.push(component.sort());
};
for (const file of files) if (!index.has(file)) visit(file);

for (const circle of circles) console.error(`import circle of ${circle.length} files: ${circle.join(" → ")}`);
if (circles.length) {
  console.error("Break each circle: move the shared types to a leaf module, or give one side a narrow interface it owns.");
  process.exit(1);
}
console.log(`no import circles among ${files.length} files`);
