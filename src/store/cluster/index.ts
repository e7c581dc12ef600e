// The cluster backend (storage.kind: cluster): only createStore imports it (DESIGN.md §4).
export { ClusterStore, type ClusterStoreOptions } from './cluster-store.js';
