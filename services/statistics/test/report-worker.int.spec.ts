import { infrastructure } from '@homeward/testing/infrastructure';
import { runReportInWorker } from '../src/application/run-report-in-worker';

// A report job's replay runs in a worker thread (report.worker.ts): the service's main thread must get its
// failures as failures, with their reasons, not hang or crash with them.

describe('a report run in a worker thread', () => {
  const data = {
    kafka: {
      brokers: infrastructure.kafkaBrokers,
      topic: 'homeward.registration.events.v1',
      skillsTopic: 'homeward.skills.events.v1',
      employmentTopic: 'homeward.employment.events.v1',
      fundTopic: 'homeward.fund.events.v1',
    },
    renderOptions: { refArea: 'PH', agency: 'PSA' },
  };

  it('fails with the reason of a request that does not hold, naming the field', async () => {
    await expect(runReportInWorker({ ...data, request: { asOf: '2025-02-30', period: '2025' } }, () => undefined)).rejects.toThrow(
      /asOf: a calendar date/,
    );
  });

  it('fails with the reason when the event store it is asked for is not configured', async () => {
    await expect(
      runReportInWorker({ ...data, request: { asOf: '2025-12-31', period: '2025', source: 'event-store' } }, () => undefined),
    ).rejects.toThrow(/event-store source is not configured/);
  });
});
