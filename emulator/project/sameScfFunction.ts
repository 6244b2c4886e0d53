import { basename, dirname } from "node:path";
import { ManifestWarning } from "./errors";
import type { ManifestFunction } from "./manifestFunction";

/**
 * One SCF function written in both serverless.yml (the Serverless component) and
 * template.yaml (the SCF CLI / TCSAM) of the same folder: Tencent's tooling generates and
 * keeps both, so they are one function rather than a duplicate. serverless.yml wins,
 * because it is what `sls deploy` deploys today; the SCF CLI that reads template.yaml is
 * retired. Tencent's docs say nothing about both files together. Undefined when the two
 * are not such a pair.
 */
export function sameScfFunction(a: ManifestFunction, b: ManifestFunction): { kept: ManifestFunction; warning: ManifestWarning } | undefined {
  if (a.spec.dialect !== "scf" || b.spec.dialect !== "scf") return undefined;
  if (dirname(a.spec.source.file) !== dirname(b.spec.source.file)) return undefined;
  const kind = (fn: ManifestFunction) => {
    const file = basename(fn.spec.source.file);
    return file.startsWith("serverless.") ? "component" : /^template\.ya?ml$/.test(file) ? "template" : undefined;
  };
  const [kept, dropped] = kind(a) === "component" && kind(b) === "template" ? [a, b] : kind(b) === "component" && kind(a) === "template" ? [b, a] : [];
  if (!kept || !dropped) return undefined;
  const where = `${kept.spec.source.file}:${kept.spec.source.line}`;
  return {
    kept,
    warning: ManifestWarning.at(
      dropped.at.name ?? dropped.at.definition,
      `function ${JSON.stringify(dropped.spec.name)} is also described in ${where}; that serverless.yml is used (it is what sls deploy deploys) and this definition is not read`,
    ),
  };
}
