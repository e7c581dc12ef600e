import type { CloudEvent } from '../../events/index.js';

/**
 * The FIFO group of an event for `ordering.groupBy`: `partitionkey` (the CloudEvents
 * Partitioning extension), `subject`, any other context attribute (`source`, `type`, `id`,
 * `time`, `dataschema`, `datacontenttype`, `specversion`) or any other extension. Events
 * without the attribute share the group "".
 */
export function groupKey(event: CloudEvent, groupBy: string): string {
  switch (groupBy) {
    case 'subject':
      return event.subject ?? '';
    case 'source':
      return event.source;
    case 'type':
      return event.type;
    case 'id':
      return event.id;
    case 'specversion':
      return event.specversion;
    case 'time':
      return event.time ?? '';
    case 'dataschema':
      return event.dataschema ?? '';
    case 'datacontenttype':
      return event.datacontenttype ?? '';
    default: {
      const v = event.extensions[groupBy];
      return v === undefined ? '' : String(v);
    }
  }
}
