// The ports `npm start` needs, checked before anything starts: a port in use ends in one
// line naming it and how to move the demo, not in an EADDRINUSE stack trace.
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";

export interface NeededPort {
  port: number;
  what: string;
}

/** Whether something already listens on 127.0.0.1:port. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", (err: NodeJS.ErrnoException) => (err.code === "EADDRINUSE" || err.code === "EACCES" ? resolve(true) : reject(err)));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(false)));
  });
}

export async function firstPortInUse(ports: readonly NeededPort[]): Promise<NeededPort | undefined> {
  for (const needed of ports) if (await portInUse(needed.port)) return needed;
  return undefined;
}

/** One line: which port, what needs it, and the PORT setting that moves them all. */
export function portInUseMessage(busy: NeededPort, base: number, count: number): string {
  const other = base + 1000;
  return `port ${busy.port} (${busy.what}) is already in use: stop what listens there, or move the demo with PORT (it uses PORT to PORT+${count - 1}, now ${base}–${base + count - 1}), e.g. PORT=${other} npm start`;
}

/** A port nothing listens on now (for tests). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
