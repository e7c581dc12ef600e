/**
 * The operation table: each `X-Amz-Target: AWSEvents.<Name>` Switchyard answers. An operation
 * not in it is answered with AWS's `UnknownOperationException`.
 */
import { createEventBus, deleteEventBus, describeEventBus, listEventBuses } from './bus-operations.js';
import type { Operation } from './context.js';
import { putEvents } from './put-events.js';
import { deleteRule, describeRule, disableRule, enableRule, listRules, putRule } from './rule-operations.js';
import { listTargetsByRule, putTargets, removeTargets } from './target-operations.js';
import { testEventPattern } from './test-event-pattern.js';

export const OPERATIONS: Readonly<Record<string, Operation>> = {
  PutEvents: putEvents,
  CreateEventBus: createEventBus,
  DescribeEventBus: describeEventBus,
  ListEventBuses: listEventBuses,
  DeleteEventBus: deleteEventBus,
  PutRule: putRule,
  DescribeRule: describeRule,
  ListRules: listRules,
  DeleteRule: deleteRule,
  EnableRule: enableRule,
  DisableRule: disableRule,
  PutTargets: putTargets,
  RemoveTargets: removeTargets,
  ListTargetsByRule: listTargetsByRule,
  TestEventPattern: testEventPattern,
};
