import type { FastifyReply } from 'fastify';

/**
 * An AbortSignal that aborts when the client goes away before the answer is sent (the
 * connection closed): a long-poll stops waiting, its timer cleared, instead of holding on.
 */
export function requestSignal(reply: FastifyReply): AbortSignal {
  const ac = new AbortController();
  const res = reply.raw;
  const onClose = (): void => {
    if (!res.writableFinished) ac.abort();
  };
  res.once('close', onClose);
  return ac.signal;
}
