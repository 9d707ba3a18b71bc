/** Secret detection in images and build contexts. */
export { scanDirectorySecrets, scanImageSecrets, maxScannedBytes, type SecretFinding } from './scan.js';
export { findSecrets, redact, entropy } from './rules.js';
