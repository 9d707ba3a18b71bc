/**
 * The official JSON schemas (SARIF 2.1.0, SPDX 2.3, CycloneDX 1.6, OSV) that outputs are checked against. They sit
 * beside the checkout (`../shared/schemas`, TESTENV.md; `SHIPSHAPE_SCHEMAS` names another folder) and are read at
 * test time, never copied into the repository. Each validator is compiled once per test file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import Ajv4 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '../..');

/** The schema folder, or undefined when it is absent (tests that need it say so and fail or count as skipped). */
export const schemaDir: string | undefined = [process.env.SHIPSHAPE_SCHEMAS, resolve(repoRoot, '../shared/schemas')].find(
  (d): d is string => d !== undefined && existsSync(join(d, 'sarif-2.1.0.schema.json')),
);

export type SchemaKind = 'sarif' | 'spdx' | 'cyclonedx';

const compiled = new Map<SchemaKind, ValidateFunction>();

function load(name: string): object {
  if (schemaDir === undefined) throw new Error('the official schemas are needed: ../shared/schemas is absent (SHIPSHAPE_SCHEMAS names another folder)');
  return JSON.parse(readFileSync(join(schemaDir, name), 'utf8')) as object;
}

function compile(kind: SchemaKind): ValidateFunction {
  if (kind === 'sarif') {
    // SARIF's schema is draft-04
    const ajv = new Ajv4.default({ strict: false, allErrors: true });
    addFormats.default(ajv);
    return ajv.compile(load('sarif-2.1.0.schema.json'));
  }
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  if (kind === 'spdx') return ajv.compile(load('spdx-2.3.schema.json'));
  // formats ajv-formats does not define; CycloneDX uses them for URLs and e-mail addresses shipshape never writes
  ajv.addFormat('iri-reference', true);
  ajv.addFormat('idn-email', true);
  ajv.addSchema(load('cyclonedx-spdx.schema.json'));
  ajv.addSchema(load('cyclonedx-jsf-0.82.schema.json'));
  return ajv.compile(load('cyclonedx-1.6.schema.json'));
}

/** The compiled validator of one official schema; throws when the schemas are absent. */
export function validator(kind: SchemaKind): ValidateFunction {
  let validate = compiled.get(kind);
  if (validate === undefined) {
    validate = compile(kind);
    compiled.set(kind, validate);
  }
  return validate;
}

/** Asserts that a document passes its official schema, showing the first errors when it does not. */
export function expectValid(kind: SchemaKind, doc: unknown): void {
  const validate = validator(kind);
  expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
}
