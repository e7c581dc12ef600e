import type { ErrorTable } from '../spec.js';

/** Error codes of replays and archives (src/streams, docs/replay.md). Codes are stable: never rename or reuse one. */
export const replayErrors = {
  SWY_REPLAY_NOT_FOUND: { status: 404, title: 'Replay not found', doc: 'No replay job with this id exists.' },
  SWY_REPLAY_INVALID: { status: 400, title: 'Invalid replay', doc: 'The replay request is not valid: a window bound is malformed or `to` comes before `from`, the pattern does not compile, the rate is out of range, or the destination names a rule or target that does not exist on the bus (or a bus other than the replay\'s own). `violations` names each problem.' },
  SWY_REPLAY_STATE: { status: 409, title: 'Replay cannot change state', doc: 'The replay is not in a state this action applies to: only a running replay can be paused, only a paused one resumed, and a completed, cancelled or failed one cannot be changed.' },
  SWY_REPLAY_TOO_MANY: { status: 429, title: 'Too many replays', doc: '16 replays are running or paused already; wait for one to finish or cancel one.' },
  SWY_ARCHIVE_NOT_FOUND: { status: 404, title: 'Archive not found', doc: 'No archive with this name exists on the bus.' },
  SWY_ARCHIVE_INVALID: { status: 400, title: 'Invalid archive', doc: 'The archive\'s pattern does not compile or its retention is out of range; `violations` names each problem.' },
} as const satisfies ErrorTable;
