// The little of Node.js the server uses, declared here so that typescript is the sample's one dependency (no @types/node).
declare module 'node:http' {
  interface ServerResponse {
    writeHead(status: number, headers: Record<string, string>): ServerResponse;
    end(body: string): void;
  }
  export function createServer(listener: (req: unknown, res: ServerResponse) => void): { listen(port: number): void };
}
declare const process: { env: Record<string, string | undefined>; getuid?: () => number };
