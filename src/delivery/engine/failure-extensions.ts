import { parseStoredEvent, serializeEvent, type AttributeValue, type CloudEvent } from '../../events/index.js';

/**
 * Extension attributes a dead-letter copy carries, saying why the delivery failed (as Knative's
 * dead-letter sink adds `knativeerrordest`, `knativeerrorcode`, `knativeerrordata`). Names follow
 * the CloudEvents extension naming rule (lower-case a-z0-9) and Switchyard's `swy` prefix.
 */
export const FAILURE_EXTENSIONS = {
  errorClass: 'swyerrorclass',
  status: 'swyerrorstatus',
  message: 'swyerrormessage',
  rule: 'swyerrorrule',
  target: 'swyerrortarget',
  attempts: 'swyerrorattempts',
} as const;

/** The message extension is cut to this many characters (a dead-letter copy stays small). */
export const MAX_FAILURE_MESSAGE = 512;

export interface DeliveryFailure {
  readonly errorClass: string;
  /** The last attempt's status (HTTP), when it had one. */
  readonly status: number | null;
  readonly message: string;
  readonly rule: string;
  /** The rule target that failed (its id, without the dead-letter suffix). */
  readonly target: string;
  /** Attempts made before giving up. */
  readonly attempts: number;
}

/**
 * The event (JSON-format text as stored) with the failure extensions set, replacing any it had
 * from an earlier dead-lettering. Goes through the codec, so the data's JSON text is kept
 * byte-exact. Returns undefined when the text cannot be read as an event (never the case for
 * stored events): the copy is then forwarded as it was.
 */
export function withFailureExtensions(eventJson: string, f: DeliveryFailure): string | undefined {
  let ev: CloudEvent;
  try {
    ev = parseStoredEvent(eventJson);
  } catch {
    return undefined;
  }
  const extensions: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(ev.extensions)) if (!k.startsWith('swyerror')) extensions[k] = v;
  extensions[FAILURE_EXTENSIONS.errorClass] = f.errorClass;
  if (f.status !== null) extensions[FAILURE_EXTENSIONS.status] = f.status;
  extensions[FAILURE_EXTENSIONS.message] = f.message.length > MAX_FAILURE_MESSAGE ? `${f.message.slice(0, MAX_FAILURE_MESSAGE - 1)}…` : f.message;
  extensions[FAILURE_EXTENSIONS.rule] = f.rule;
  extensions[FAILURE_EXTENSIONS.target] = f.target;
  extensions[FAILURE_EXTENSIONS.attempts] = f.attempts;
  return serializeEvent({ ...ev, extensions });
}
