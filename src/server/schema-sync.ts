import type { SchemaRegistry } from '../schemas/index.js';
import type { Store } from '../store/index.js';

/**
 * Keeps the schema registry's in-memory index and settings cache in step with the catalog's
 * change feed, whoever wrote (src/schemas cannot import the store, so the server wires it).
 * Returns the unsubscribe.
 */
export function followSchemaChanges(registry: SchemaRegistry, store: Pick<Store, 'watch'>): () => void {
  return store.watch((c) => {
    if (c.type === 'schema') registry.schemaChanged(c.name, c.source);
    else if (c.type === 'schema-settings') registry.settingsChanged(c.bus);
    else if (c.type === 'bus' && c.op === 'delete') registry.forgetBus(c.bus);
  });
}
