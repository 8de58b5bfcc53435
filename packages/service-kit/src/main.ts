import { ConfigurationError } from './config';

interface Runnable {
  readonly app: { listen(options: { port: number; host: string }): Promise<unknown> };
  stop(): Promise<void>;
}

/**
 * A service's process: read its configuration, start it, listen, and stop cleanly on SIGTERM or SIGINT.
 * A configuration error exits with 78 (EX_CONFIG) and names what is wrong; any other failure exits with 1.
 */
export function runService<C extends { readonly PORT: number; readonly HOST: string }>(
  name: string,
  loadConfig: () => C,
  start: (config: C) => Promise<Runnable>,
): void {
  const main = async () => {
    const config = loadConfig();
    const runtime = await start(config);
    await runtime.app.listen({ port: config.PORT, host: config.HOST });
    const shutdown = async () => {
      await runtime.stop();
      process.exit(0);
    };
    process.once('SIGTERM', () => void shutdown());
    process.once('SIGINT', () => void shutdown());
  };
  main().catch((error: unknown) => {
    if (error instanceof ConfigurationError) {
      process.stderr.write(`${name} cannot start: ${error.message}\n`);
      process.exit(78);
    }
    process.stderr.write(`${name} failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
