import * as vscode from "vscode";

export type ExecutorSetting = "auto" | "docker" | "process";

export interface FaasboxSettings {
  executor: ExecutorSetting;
  images: { nodejs: string; python: string; custom: string };
  /** `faasbox.docker.*`: the engine (as DOCKER_HOST) and the functions' network (as FAASBOX_DOCKER_NETWORK); empty: unset. */
  docker: { host: string; network: string };
  httpPort: number;
  invokePort: number;
  keepAliveSeconds: number;
  /** `faasbox.standby`: standby instances of recently used functions (off: FAASBOX_STANDBY=0 for the emulator). */
  standby: boolean;
  maxConcurrency: number;
  /** `faasbox.credentials.*`: whether functions get the user's cloud keys, and the AWS profile they come from (empty: AWS_PROFILE, then the environment's keys). */
  credentials: { enabled: boolean; awsProfile: string };
  /** Which ports the user set (the others are defaults, free to move when busy). */
  portsChosen: { http: boolean; invoke: boolean };
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
    docker: {
      host: config.get<string>("docker.host", "").trim(),
      network: config.get<string>("docker.network", "").trim(),
    },
    httpPort: config.get<number>("httpPort", 3000),
    invokePort: config.get<number>("invokePort", 3001),
    keepAliveSeconds: config.get<number>("keepAliveSeconds", 300),
    standby: config.get<boolean>("standby", true),
    maxConcurrency: config.get<number>("maxConcurrency", 10),
    credentials: {
      enabled: config.get<boolean>("credentials.enabled", true),
      awsProfile: config.get<string>("credentials.awsProfile", "").trim(),
    },
    portsChosen: { http: isSet(config, "httpPort"), invoke: isSet(config, "invokePort") },
  };
}

/** Whether the user set `key` anywhere (user, workspace or folder settings), not just left its default. */
function isSet(config: vscode.WorkspaceConfiguration, key: string): boolean {
  const set = config.inspect(key);
  return set?.globalValue !== undefined || set?.workspaceValue !== undefined || set?.workspaceFolderValue !== undefined;
}
