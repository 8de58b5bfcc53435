import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * prom-client's default metrics of the process (CPU, memory, event-loop lag, GC, handles), collected once
 * per process however many services it runs (tests start many): each collection watches the event loop
 * and the garbage collector for as long as the process lives.
 */
let processMetrics: Registry | undefined;

function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}

/** A service's metrics: its own registry, served beside the process metrics. */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly contentType = this.registry.contentType;

  /** Prometheus text exposition of the service's metrics and the process's. */
  async render(): Promise<string> {
    return Registry.merge([processRegistry(), this.registry]).metrics();
  }
}
