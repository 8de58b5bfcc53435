import { ConfigurationError } from './config';
import { flushTelemetry } from '@homeward/telemetry/sdk';
import { createLogger } from './service-kit';

interface Runnable {
  readonly app: { listen(options: { port: number; host: string }): Promise<unknown> };
  stop(): Promise<void>;
}

/** How long a stop may take before the process ends anyway (a dependency that does not answer, say). */
const STOP_TIMEOUT_MS = 20_000;

/**
 * A service's process: read its configuration, start it, listen, and stop cleanly on SIGTERM or SIGINT,
 * also when the signal comes while it is still starting (a consumer that joined its group leaves it, so
 * the group rebalances at once instead of waiting out the member's session). A second signal ends the
 * process at once. A configuration error exits with 78 (EX_CONFIG) and names what is wrong; any other
 * failure to start exits with 1.
 */
export function runService<C extends { readonly PORT: number; readonly HOST: string }>(
  name: string,
  loadConfig: () => C,
  start: (config: C) => Promise<Runnable>,
): void {
  const log = createLogger(name);
  // A last resort, not a way of handling anything: an error that reaches the process is a bug where it
  // was thrown, and the log must say so. A rejection nobody awaited is logged and the service goes on;
  // after an uncaught exception the process may be half-way through anything, so it exits, and its
  // supervisor starts it again.
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));
  process.on('uncaughtException', (error) => {
    log.fatal({ err: error }, 'uncaught exception; exiting');
    process.exit(1);
  });

  let running: Promise<Runnable> | undefined;
  let stopping = false;
  const shutdown = async () => {
    if (stopping) process.exit(1);
    stopping = true;
    setTimeout(() => {
      log.error({ timeoutMs: STOP_TIMEOUT_MS }, 'stopping took too long; exiting');
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
    const runtime = await running?.catch(() => undefined);
    await runtime?.stop().catch((error: unknown) => log.error({ err: error }, 'stopping failed'));
    // The spans still batched for the OTLP exporter, sent before the process ends.
    await flushTelemetry().catch((error: unknown) => log.warn({ err: error }, 'flushing the last spans failed'));
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());

  const main = async () => {
    const config = loadConfig();
    running = start(config);
    const runtime = await running;
    if (!stopping) await runtime.app.listen({ port: config.PORT, host: config.HOST });
  };
  main().catch((error: unknown) => {
    if (error instanceof ConfigurationError) {
      process.stderr.write(`${name} cannot start: ${error.message}\n`);
      process.exit(78);
    }
    if (stopping) return;
    process.stderr.write(`${name} failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
