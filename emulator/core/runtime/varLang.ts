/**
 * SCF's standard language paths (标准语言环境绝对路径): a web function's scf_bootstrap must start its
 * server with one of these absolute interpreter paths (https://cloud.tencent.com/document/product/583/56126,
 * the table as https://docs.cloudbase.net/cloud-function/develop/scf-bootstrap lists it). Older pages also
 * name /var/lang/python3/bin/python3 for Python 3.6. Locally each leads to the image's own interpreter,
 * whatever version that is: the log says when it is not the one the path names.
 */
export const VAR_LANG_PATHS = {
  node: ["/var/lang/node18/bin/node", "/var/lang/node16/bin/node", "/var/lang/node14/bin/node", "/var/lang/node12/bin/node", "/var/lang/node10/bin/node"],
  python: [
    "/var/lang/python310/bin/python3.10", "/var/lang/python310/bin/python3",
    "/var/lang/python39/bin/python3.9", "/var/lang/python39/bin/python3",
    "/var/lang/python37/bin/python3.7", "/var/lang/python37/bin/python3",
    "/var/lang/python3/bin/python3.6", "/var/lang/python3/bin/python3",
  ],
} as const;

const VAR_LANG_USE = /\/var\/lang\/[A-Za-z0-9_.-]+\/bin\/[A-Za-z0-9_.-]+/g;

/** The /var/lang paths a bootstrap script names, once each. */
export function varLangPathsIn(script: string): string[] {
  return [...new Set(script.match(VAR_LANG_USE) ?? [])];
}

/** The language version a path names (`/var/lang/node16/bin/node` → 16, python39 → 3.9), undefined for none. */
export function versionNamed(path: string): string | undefined {
  const match = /^\/var\/lang\/(node|python|php|java)(\d*)\//.exec(path);
  if (!match || !match[2]) return undefined;
  if (match[1] === "python") return match[2].length > 1 ? `${match[2][0]}.${match[2].slice(1)}` : match[2];
  return match[2];
}

/** Whether Faasbox links this path to the image's interpreter. */
export function isProvided(path: string): boolean {
  return (VAR_LANG_PATHS.node as readonly string[]).includes(path) || (VAR_LANG_PATHS.python as readonly string[]).includes(path);
}

/**
 * What the log says about the interpreters a bootstrap names: for each, the image's interpreter
 * it leads to when the version differs, or that Faasbox has no such path.
 */
export function varLangNotices(script: string, imageVersion: { node?: string; python?: string }): string[] {
  const notices: string[] = [];
  for (const path of varLangPathsIn(script)) {
    const family = path.startsWith("/var/lang/node") ? "node" : path.startsWith("/var/lang/python") ? "python" : undefined;
    if (!isProvided(path)) {
      const known = [...VAR_LANG_PATHS.node, ...VAR_LANG_PATHS.python].join(", ");
      notices.push(`faasbox: scf_bootstrap runs ${path}, which SCF's standard paths do not have here; use one of ${known}`);
      continue;
    }
    const named = versionNamed(path);
    const actual = family ? imageVersion[family] : undefined;
    if (named && actual && !actual.startsWith(`${named}.`) && actual !== named) {
      notices.push(`faasbox: scf_bootstrap runs ${path} (${family} ${named} in SCF); here it leads to the image's ${family} ${actual}`);
    }
  }
  return notices;
}
