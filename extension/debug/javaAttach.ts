import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import type { DebugSessionInfo, FunctionInfo } from "../../emulator/protocol";

/** Microsoft's Debugger for Java: it contributes the `java` debug type that attaches to a JDWP port. */
export const JAVA_DEBUGGER_EXTENSION = "vscjava.vscode-java-debug";

/**
 * The folders that may hold the function's Java sources: Maven and Gradle's src/main/java, src,
 * and the folder itself, under the debug session's local root and the manifest's folder (a function
 * whose code is a built jar keeps its sources beside the template). Only folders that exist.
 */
export function javaSourcePaths(info: Pick<DebugSessionInfo, "localRoot">, fn: Pick<FunctionInfo, "source"> | undefined): string[] {
  const roots = [...new Set([info.localRoot, ...(fn ? [dirname(fn.source.file)] : [])])];
  return roots.flatMap((root) => [join(root, "src", "main", "java"), join(root, "src"), root]).filter((dir) => existsSync(dir));
}

/**
 * The `java` attach configuration for a Java debug session: the Debugger for Java connects to the
 * JDWP port the emulator reported (hostName/port, as its README's attach options name them:
 * https://github.com/microsoft/vscode-java-debug#attach) and looks for sources in sourcePaths, since
 * a function is rarely a project the Java language server knows.
 */
export interface JavaAttachConfiguration {
  type: "java";
  request: "attach";
  name: string;
  hostName: string;
  port: number;
  sourcePaths: string[];
  stepFilters: { skipClasses: string[]; skipSynthetics: boolean; skipStaticInitializers: boolean; skipConstructors: boolean };
}

export function javaAttachConfiguration(name: string, info: DebugSessionInfo, sourcePaths: string[]): JavaAttachConfiguration {
  return {
    type: "java",
    request: "attach",
    name,
    hostName: info.host,
    port: info.port,
    sourcePaths,
    // Faasbox's shim and the JDK are nobody's code here: stepping skips them.
    stepFilters: { skipClasses: ["$JDK", "faasbox.*"], skipSynthetics: true, skipStaticInitializers: false, skipConstructors: false },
  };
}

/** Said when Debug Function is asked for a Java function without the Debugger for Java installed. */
export function missingJavaDebuggerMessage(functionName: string): string {
  return `Debugging the Java function ${functionName} in VS Code needs the "Debugger for Java" extension (${JAVA_DEBUGGER_EXTENSION}), which is not installed. Install it and debug again. Without it, Faasbox's debug instance still takes any JDWP client (jdb, IntelliJ IDEA) on the port its debug session reports.`;
}
