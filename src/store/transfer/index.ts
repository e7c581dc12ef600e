export { exportDataDir, importFile, importDataDir, EXPORTED_TABLES, type ClusterImportOptions, type ImportReport } from './transfer.js';
export { DUMP_FORMAT, DUMP_VERSION } from './dump-format.js';
