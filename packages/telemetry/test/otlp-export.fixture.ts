// Run by otlp.unit.spec.ts in a process of its own (the OTLP exporter loads its transport with a dynamic
// import, which jest's module system does not run): what a service does with OTEL_EXPORTER_OTLP_ENDPOINT set.
import { inSpan } from '../src/telemetry';
import { flushTelemetry, startTelemetryFromEnv } from '../src/sdk';

async function main(): Promise<void> {
  if (!startTelemetryFromEnv('otlp-test')) throw new Error('tracing did not start');
  await inSpan('exported span', {}, async () => undefined);
  await flushTelemetry();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
