/**
 * TestEventPattern: the same evaluation as `POST /v1/patterns/test` (rules' testPattern) on the
 * pattern and event texts as given. AWS also requires the event to carry its envelope fields;
 * Switchyard tests any JSON object (docs/aws-compatibility.md).
 */
import { isSwitchyardError } from '../../core/index.js';
import { testPattern } from '../../rules/index.js';
import type { Operation } from './context.js';
import { AwsError } from './protocol.js';
import { Params } from './params.js';

export const testEventPattern: Operation = async (input) => {
  const p = new Params(input);
  const pattern = p.string('EventPattern', { required: true, max: 4096 });
  const event = p.string('Event', { required: true, max: 256 * 1024 });
  p.done();
  try {
    return { Result: testPattern({ patternText: pattern! }, { eventText: event! }).match };
  } catch (err) {
    if (isSwitchyardError(err) && err.code === 'SWY_RULES_INVALID_EVENT_TEXT') throw new AwsError('ValidationException', `Parameter Event is not valid. Reason: ${err.message}`);
    throw err;
  }
};
