import { createServer } from 'node:net';

/** Whether something already listens on host:port (found by trying to listen there ourselves). */
export function isPortInUse(port: number, host: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') resolve(true);
      else reject(error);
    });
    server.listen(port, host, () => server.close(() => resolve(false)));
  });
}

/** The first of `ports` that is taken on `host`, or undefined when all are free. */
export async function firstPortInUse(ports: readonly number[], host: string): Promise<number | undefined> {
  for (const port of ports) if (await isPortInUse(port, host)) return port;
  return undefined;
}
