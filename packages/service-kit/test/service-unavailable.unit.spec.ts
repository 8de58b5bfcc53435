import pino from 'pino';
import { toProblem } from '@homeward/service-kit';

const log = pino({ level: 'silent' });
const withCode = (code: string) => Object.assign(new Error('failed'), { code });

describe('answering while the database is away', () => {
  it.each([
    ['the database restarting (57P01)', withCode('57P01')],
    ['the database starting up (57P03)', withCode('57P03')],
    ['no database listening', withCode('ECONNREFUSED')],
    ['a connection lost in the middle of the request', new Error('Connection terminated unexpectedly')],
  ])('%s is a 503 with a stable code, never a 500', (_what, error) => {
    const problem = toProblem(error, undefined, log);
    expect(problem.details).toMatchObject({ status: 503, code: 'service.unavailable', title: 'Service unavailable' });
    expect(problem.headers).toEqual({ 'retry-after': '2' });
  });

  it('leaves other errors as they were: a bug is still a 500', () => {
    expect(toProblem(new Error('boom'), undefined, log).details.status).toBe(500);
  });
});
