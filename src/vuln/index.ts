/** The vulnerability engine's public surface: the OSV database, matching and reports. */
export { openDb, type DbStatus, type VulnDb } from './db/database.js';
export { importOsv } from './db/import.js';
export { scanSbom, atLeast, advisoryKey, type Match, type ScanResult, type FixState } from './match.js';
export { severities, type Severity } from './severity.js';
export { toCycloneDxVex, toJson, toOpenVex, toSarif, toText, type ScanFormat } from './formats.js';
export { applySuppressions, baselineOf, parseBaseline, parseIgnoreFile, parseOpenVex, type Baseline, type IgnoreFile, type OpenVex, type SuppressedMatch } from './suppress.js';
export { presenceOf, type CodePresence } from './presence.js';
export { evaluate } from './evaluate.js';
export { comparatorFor } from './versions/index.js';
export { updateDb, exportUrl, parseChecksums, defaultExportUrl, type UpdateOptions, type UpdateResult, type UpdatedEcosystem } from './db/update.js';
