/** The vulnerability engine's public surface: the OSV database, matching and reports. */
export { openDb, type DbStatus, type VulnDb } from './db/database.js';
export { importOsv } from './db/import.js';
export { scanSbom, atLeast, advisoryKey, type Match, type ScanResult, type FixState } from './match.js';
export { severities, type Severity } from './severity.js';
export { toJson, toSarif, toText, type ScanFormat } from './formats.js';
export { evaluate } from './evaluate.js';
export { comparatorFor } from './versions/index.js';
export { updateDb, exportUrl, parseChecksums, defaultExportUrl, type UpdateOptions, type UpdateResult, type UpdatedEcosystem } from './db/update.js';
