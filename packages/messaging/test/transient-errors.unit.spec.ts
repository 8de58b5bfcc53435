import { isTransientError } from '@homeward/messaging';

/** An error as kafkajs makes them: its class name, and whether it calls itself retriable. */
const kafkaError = (name: string, retriable: boolean, cause?: unknown) => Object.assign(new Error(name), { name, retriable, cause });
const pgError = (code: string) => Object.assign(new Error('failed'), { code });

describe('the one classification of failures every consumer shares', () => {
  it.each([
    ['PostgreSQL restarting (57P01)', pgError('57P01')],
    ['PostgreSQL starting up (57P03)', pgError('57P03')],
    ['a lost database connection', new Error('Connection terminated unexpectedly')],
    ['a broker that cannot be reached', kafkaError('KafkaJSConnectionError', true)],
    ['a broker that does not answer in time', kafkaError('KafkaJSRequestTimeoutError', true)],
    ['no broker at all', kafkaError('KafkaJSNoBrokerAvailableError', true)],
    ['a group coordinator not found (kafkajs calls it non-retriable)', kafkaError('KafkaJSGroupCoordinatorNotFound', false)],
    ['a leader not available yet', kafkaError('KafkaJSProtocolError', true)],
    [
      'retries exceeded on a connection error',
      kafkaError('KafkaJSNumberOfRetriesExceeded', false, kafkaError('KafkaJSConnectionError', true)),
    ],
  ])('%s is transient: waited out, never dead-lettered', (_what, error) => {
    expect(isTransientError(error)).toBe(true);
  });

  it.each([
    ['a message that does not decode', new Error('not a homeward.registration.v1.RegistrationEvent')],
    ['a constraint the message breaks (23514)', pgError('23514')],
    ['a protocol error the broker calls final (a message too large)', kafkaError('KafkaJSProtocolError', false)],
    ['an error of the code', new TypeError('x is undefined')],
  ])('%s is not', (_what, error) => {
    expect(isTransientError(error)).toBe(false);
  });
});
