import * as vscode from "vscode";

export type ExecutorSetting = "auto" | "docker" | "process";

export interface FaasboxSettings {
  executor: ExecutorSetting;
  images: { nodejs: string; python: string; custom: string };
  httpPort: number;
  invokePort: number;
  keepAliveSeconds: number;
  maxConcurrency: number;
  /** The user set a port (not just the defaults). */
  portsChosen: boolean;
}

/** The `faasbox.*` settings, read fresh each time (they can change while running). */
export function readSettings(): FaasboxSettings {
  const config = vscode.workspace.getConfiguration("faasbox");
  return {
    executor: config.get<ExecutorSetting>("executor", "auto"),
    images: {
      nodejs: config.get<string>("images.nodejs", ""),
      python: config.get<string>("images.python", ""),
      custom: config.get<string>("images.custom", ""),
    },
    httpPort: config.get<number>("httpPort", 3000),
    invokePort: config.get<number>("invokePort", 3001),
    keepAliveSeconds: config.get<number>("keepAliveSeconds", 300),
    maxConcurrency: config.get<number>("maxConcurrency", 10),
    portsChosen: ["httpPort", "invokePort"].some((key) => {
      const set = config.inspect(key);
      return set?.globalValue !== undefined || set?.workspaceValue !== undefined || set?.workspaceFolderValue !== undefined;
    }),
  };
}
