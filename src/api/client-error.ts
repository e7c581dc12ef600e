import type { Socket } from 'node:net';
import { PROBLEM_CONTENT_TYPE, SwitchyardError, toProblem } from '../core/index.js';

/**
 * Answers requests that Node's HTTP parser refuses before any route sees them (bare CR/LF in a
 * header, header block over 16 KiB, …) with problem+json too, then closes the connection.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const e = err.code === 'HPE_HEADER_OVERFLOW'
    ? new SwitchyardError('SWY_API_HEADERS_TOO_LARGE', 'the request header block is too large')
    : new SwitchyardError('SWY_API_MALFORMED_REQUEST', 'the HTTP request could not be parsed');
  const body = JSON.stringify(toProblem(e));
  socket.end(
    `HTTP/1.1 ${e.status} ${e.status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
      `content-type: ${PROBLEM_CONTENT_TYPE}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
