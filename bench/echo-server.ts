// The yardstick for the HTTP benchmark: a bare fastify route that echoes JSON, same fastify, same
// machine, started the same way as the assistant.
import Fastify from 'fastify';

const server = Fastify({ logger: false });
server.post('/echo', async (request) => request.body);
const address = await server.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ ready: address })}\n`);
