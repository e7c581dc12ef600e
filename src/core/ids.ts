import { randomUUID } from 'node:crypto';

/** Source of unique ids, injected where tests need determinism. */
export interface IdGenerator {
  next(): string;
}

export const uuidGenerator: IdGenerator = { next: () => randomUUID() };
