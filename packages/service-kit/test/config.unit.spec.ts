import { ConfigurationError, loadConfig, parse } from '@homeward/service-kit/config';

const settings = {
  DATABASE_URL: { description: 'PostgreSQL URL', parse: parse.url },
  PORT: { description: 'HTTP port', default: '3000', parse: parse.port },
  KAFKA_BROKERS: { description: 'Kafka bootstrap servers', parse: parse.list },
};

describe('loadConfig', () => {
  it('reads, defaults and parses every setting', () => {
    expect(loadConfig(settings, { DATABASE_URL: 'postgres://h/db', KAFKA_BROKERS: 'a:1, b:2' })).toEqual({
      DATABASE_URL: 'postgres://h/db',
      PORT: 3000,
      KAFKA_BROKERS: ['a:1', 'b:2'],
    });
  });

  it('refuses to start naming every missing or invalid variable at once', () => {
    let error: unknown;
    try {
      loadConfig(settings, { PORT: '99999' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    const { problems } = error as ConfigurationError;
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^DATABASE_URL is missing: PostgreSQL URL/);
    expect(problems[1]).toMatch(/^PORT is invalid \(expected a TCP port number\)/);
    expect(problems[2]).toMatch(/^KAFKA_BROKERS is missing/);
  });
});
