import type { Duplex } from "node:stream";
import type { AgentChannelHandlers } from "./agentChannel";

/** What a launch gives the agent's channel (LaunchRequest's fields of the same names). */
export interface AgentLaunchSinks {
  onOutput(stream: "stdout" | "stderr", chunk: Buffer): void;
  onRuntimeConnection?(connection: Duplex): void;
}

/** The channel's handlers for a launch: the runtime's connections to its Runtime API, its output as without the agent. */
export function agentHandlers(sinks: AgentLaunchSinks): AgentChannelHandlers {
  return {
    // No one to serve it (the Instance always gives a sink): the runtime sees its connection close.
    onRuntimeConnection: (connection) => (sinks.onRuntimeConnection ? sinks.onRuntimeConnection(connection) : connection.destroy()),
    onOutput: (stream, chunk) => sinks.onOutput(stream, chunk),
    // The channel has ended the lease: the agent kills the runtime, and the instance's exit follows.
    onProtocolError: (error) => sinks.onOutput("stderr", Buffer.from(`faasbox: ${error.message}; the instance stops\n`)),
  };
}

/** The agent's own stderr (its diagnostics) as the instance's raw stderr lines, each prefixed `faasbox-agent: `. */
export function agentDiagnostics(sinks: AgentLaunchSinks): (chunk: Buffer) => void {
  let partial = "";
  return (chunk) => {
    const lines = (partial + chunk.toString("utf8")).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      if (line) sinks.onOutput("stderr", Buffer.from(`${line.startsWith("faasbox-agent:") ? line : `faasbox-agent: ${line}`}\n`));
    }
  };
}
