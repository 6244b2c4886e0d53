import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";

export const BOOTSTRAP_NAME = "scf_bootstrap";
const DOC = "https://cloud.tencent.com/document/product/583/56126";

/**
 * What stops SCF from starting a web function's scf_bootstrap, checked on the host before the
 * instance starts (启动文件说明, 使用前提: the name scf_bootstrap, 755 or 777, `#!/bin/bash` first,
 * LF line endings; ${DOC}); undefined when it can start. Each problem names the file and what to change.
 */
export function bootstrapProblem(codeDir: string): string | undefined {
  const path = join(codeDir, BOOTSTRAP_NAME);
  let mode: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return `${path} is not a file; expected an executable file named ${BOOTSTRAP_NAME} that starts the web server on port 9000 (${DOC})`;
    mode = stat.mode & 0o777;
  } catch {
    return `${BOOTSTRAP_NAME} not found in ${codeDir}: a web function starts with an executable file of that name that starts its web server on port 9000, e.g. "#!/bin/bash" then "/var/lang/node18/bin/node app.js" (${DOC})`;
  }
  const octal = mode.toString(8).padStart(3, "0");
  // The instance runs as a user of its own, not the file's owner: "others" must read and execute it.
  if ((mode & 0o111) === 0) return `${path} is not executable (mode ${octal}): SCF cannot run it; make it executable (chmod 755 ${BOOTSTRAP_NAME}; SCF asks for 755 or 777) and deploy it so`;
  if ((mode & 0o005) !== 0o005) return `${path} is not executable by the function's user (mode ${octal}): SCF asks for 755 or 777 (chmod 755 ${BOOTSTRAP_NAME})`;
  const text = readFileSync(path).subarray(0, 64 * 1024).toString("latin1");
  const firstLine = text.split("\n")[0];
  if (firstLine.endsWith("\r")) {
    const shell = firstLine.startsWith("#!") ? firstLine.slice(2).trim() : "/bin/bash";
    return `${path} has Windows line endings (CRLF): SCF fails to start it with "${shell}^M: bad interpreter: No such file or directory"; save it with LF line endings (dos2unix ${BOOTSTRAP_NAME}, or LF in the editor's status bar)`;
  }
  return undefined;
}

/** The bootstrap's text, for the interpreter paths it names; empty when unreadable. */
export function bootstrapText(codeDir: string): string {
  try {
    return readFileSync(join(codeDir, BOOTSTRAP_NAME), "utf8");
  } catch {
    return "";
  }
}
