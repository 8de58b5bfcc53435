/**
 * The limit for the returns benchmark: a bare Fastify endpoint that does one pg INSERT per request and
 * nothing else (no authentication, validation, event store or publishing). Started as its own process.
 */
import Fastify from 'fastify';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 20 });
await pool.query(
  'CREATE TABLE IF NOT EXISTS bare_returns (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, worker_id uuid NOT NULL, body jsonb NOT NULL)',
);
const app = Fastify({ logger: false });
app.post<{ Params: { workerId: string } }>('/workers/:workerId/returns', async (request, reply) => {
  await pool.query('INSERT INTO bare_returns (worker_id, body) VALUES ($1, $2)', [request.params.workerId, JSON.stringify(request.body)]);
  return reply.code(201).send({ workerId: request.params.workerId });
});
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.on(
  'SIGTERM',
  () =>
    void app
      .close()
      .then(() => pool.end())
      .then(() => process.exit(0)),
);
