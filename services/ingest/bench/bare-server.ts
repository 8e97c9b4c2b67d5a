import { fastify } from 'fastify';

// The ceiling of this machine: a bare Fastify route that parses the JSON body and answers 202.
const app = fastify();
app.post('/v2/enqueue', async (_request, reply) =>
  reply.code(202).send({ status: 'success', message: 'Event processed', dedup_key: 'ceiling' }),
);
app.get('/readyz', async () => ({ status: 'ok' }));
void app.listen({ port: Number(process.env.KLAXON_PORT), host: '127.0.0.1' });
