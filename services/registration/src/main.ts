import { ConfigurationError } from '@homeward/service-kit/config';
import { loadRegistrationConfig } from './registration.config';
import { startRegistration } from './registration.app';

async function main() {
  const config = loadRegistrationConfig();
  const runtime = await startRegistration(config);
  await runtime.app.listen({ port: config.PORT, host: config.HOST });
  const shutdown = async () => {
    await runtime.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}

main().catch((error: unknown) => {
  if (error instanceof ConfigurationError) {
    process.stderr.write(`registration cannot start: ${error.message}\n`);
    process.exit(78);
  }
  process.stderr.write(`registration failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
