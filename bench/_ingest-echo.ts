// The HTTP ceiling of bench:ingest: a bare fastify server whose put route reads the body as bytes
// and answers 202 with a small JSON ack, nothing else. Prints its URL on stdout when listening.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
let seq = 0;
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_req, body, done) => done(null, body));
app.post<{ Params: { bus: string } }>('/v1/buses/:bus/events', async (req, reply) => {
  const id = req.headers['ce-id'];
  return reply.code(202).send({ results: [{ id: typeof id === 'string' ? id : 'batch', source: 'urn:bench:shop', sequence: ++seq }] });
});
await app.listen({ host: '127.0.0.1', port: 0 });
const addr = app.server.address();
if (addr === null || typeof addr === 'string') throw new Error('no address');
process.stdout.write(`http://127.0.0.1:${addr.port}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
