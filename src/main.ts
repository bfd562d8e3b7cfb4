import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp, exitOnSignals, listen } from './bootstrap.js';
import { ConfigError, loadConfig } from './config/load-config.js';
import { NodeIdentity } from './common/node-identity.js';

/** Starts one node: validate the environment, build the role's app, listen, announce. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`distributed-db: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const app = await createApp(config);
  const stop = exitOnSignals(app, config);
  const url = await listen(app, config);
  const { id } = app.get(NodeIdentity);
  process.title = `ddb-${id}`; // so `ps` and `pkill -f ddb-storage-2` find a node by its id
  new Logger('Main').log(`${config.role} ${id} listening on ${url} (Swagger UI: ${url}/docs)`);

  // Started by the local-cluster launcher with an IPC channel: if the launcher dies, so do we,
  // including when it died while we were still booting.
  if (process.send) {
    if (process.connected) process.on('disconnect', stop);
    else stop();
  }
}

main().catch((error: unknown) => {
  console.error('distributed-db: failed to start:', error);
  process.exit(1);
});
