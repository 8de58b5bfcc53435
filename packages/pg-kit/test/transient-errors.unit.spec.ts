import { isTransientInfrastructureError } from '@homeward/pg-kit';

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('which database errors are the infrastructure away for the moment', () => {
  it.each([
    ['the server shutting down (57P01 admin_shutdown)', withCode('57P01')],
    ['the server crashing (57P02)', withCode('57P02')],
    ['the server starting up (57P03 cannot_connect_now)', withCode('57P03')],
    ['a connection exception (class 08)', withCode('08006')],
    ['too many connections (53300)', withCode('53300')],
    ['a refused socket', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['a reset socket', withCode('ECONNRESET')],
    ['every address of a host refused', new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], 'no address')],
    ["pg's lost connection", new Error('Connection terminated unexpectedly')],
    ['a checkout that timed out', new Error('timeout exceeded when trying to connect')],
    ['a client that lost its connection earlier', new Error('Client has encountered a connection error and is not queryable')],
    ['one wrapped in another', new Error('the append failed', { cause: withCode('57P01') })],
  ])('%s is transient', (_what, error) => {
    expect(isTransientInfrastructureError(error)).toBe(true);
  });

  it.each([
    ['a unique violation (23505)', withCode('23505')],
    ['malformed input (22P02)', withCode('22P02')],
    ['a serialization failure (40001): a conflict, not an outage', withCode('40001')],
    ['a syntax error (42601)', withCode('42601')],
    ['an error of the code', new TypeError('cannot read properties of undefined')],
    ['not an error at all', 'Connection terminated'],
    ['nothing', undefined],
  ])('%s is not', (_what, error) => {
    expect(isTransientInfrastructureError(error)).toBe(false);
  });
});
