// Types of the parts of @pie-project/client 0.5.2 (plain JavaScript) the real-engine bench uses.
declare module '@pie-project/client' {
  export class Process {
    recv(): Promise<{ event: string; value: string | Uint8Array }>;
  }
  export class PieClient {
    constructor(serverUri: string, options?: { WebSocket?: unknown; identity?: string | null });
    connect(): Promise<void>;
    close(): Promise<void>;
    ping(): Promise<void>;
    launchProcess(inferlet: string, input?: unknown, captureOutputs?: boolean): Promise<Process>;
  }
}
