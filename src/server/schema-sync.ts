import type { SchemaRegistry } from '../schemas/index.js';
import type { CatalogWatch } from '../store/index.js';

/**
 * Keeps the schema registry's in-memory index and settings in step with the catalog's change
 * feed, whoever wrote (src/schemas cannot import the store, so the server wires it). The
 * registry re-reads what changed in the background, one change at a time, in feed order.
 * Returns the unsubscribe.
 */
export function followSchemaChanges(registry: SchemaRegistry, catalog: CatalogWatch): () => void {
  return catalog.watch((c) => {
    if (c.type === 'schema') void registry.schemaChanged(c.name, c.source);
    else if (c.type === 'schema-settings') void registry.settingsChanged(c.bus);
    else if (c.type === 'bus' && c.op === 'delete') registry.forgetBus(c.bus);
  });
}
