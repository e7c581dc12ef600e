// How buses map onto JetStream: one stream per bus, named and addressed under a configurable
// prefix (tests isolate themselves with a random one). Bus names may hold characters a stream
// name or a subject token may not (`.`, `*`, `>`, spaces), so a name outside [A-Za-z0-9_-] is
// hex-encoded; the two forms carry different tags (`b`/`x`) and can never collide.
import { createHash } from 'node:crypto';

const PLAIN = /^[A-Za-z0-9_-]+$/;

/** The subject/stream token of a bus. */
export function busToken(bus: string): string {
  return PLAIN.test(bus) ? `b_${bus}` : `x_${Buffer.from(bus, 'utf8').toString('hex')}`;
}

/** The inverse of busToken (undefined for a token it did not make). */
export function busFromToken(token: string): string | undefined {
  if (token.startsWith('b_')) return token.slice(2);
  if (token.startsWith('x_')) return Buffer.from(token.slice(2), 'hex').toString('utf8');
  return undefined;
}

/** 64 bits of SHA-256 as hex: a subject token for an arbitrary string (source, id). */
export function hashToken(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex').slice(0, 16);
}

/**
 * Naming under one prefix. An event's subject is `<prefix>.<bus>.<h(source)>.<h(id)>`, so the
 * newest event with an id (and source) is one direct get by subject, without an index.
 */
export class StreamNames {
  readonly prefix: string;

  constructor(prefix: string) {
    if (!PLAIN.test(prefix)) throw new Error(`stream prefix "${prefix}" must match [A-Za-z0-9_-]+`);
    this.prefix = prefix;
  }

  stream(bus: string): string {
    return `${this.prefix}_${busToken(bus)}`;
  }

  /** The bus of one of this prefix's streams, or undefined for another stream. */
  busOfStream(stream: string): string | undefined {
    return stream.startsWith(`${this.prefix}_`) ? busFromToken(stream.slice(this.prefix.length + 1)) : undefined;
  }

  /** Every subject of the bus's stream. */
  wildcard(bus: string): string {
    return `${this.prefix}.${busToken(bus)}.>`;
  }

  subject(bus: string, source: string, id: string): string {
    return `${this.prefix}.${busToken(bus)}.${hashToken(source)}.${hashToken(id)}`;
  }

  /** The subject of an import's gap placeholders (jetstream/log-import.ts): empty messages, deleted once stored. */
  gapSubject(bus: string): string {
    return `${this.prefix}.${busToken(bus)}.gap`;
  }

  /** Subjects of every event with this id (any source). */
  idSubjects(bus: string, id: string): string {
    return `${this.prefix}.${busToken(bus)}.*.${hashToken(id)}`;
  }

  /** The dedupe message id of (source, id): fixed length whatever their size. */
  msgId(source: string, id: string): string {
    return createHash('sha256').update(source, 'utf8').update('\0').update(id, 'utf8').digest('base64url');
  }
}
