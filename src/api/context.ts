/**
 * `context`: what `docker build DIR` sends to the engine, what the `.dockerignore` changes, what should not
 * be sent, which COPY sources it breaks, and the `.dockerignore` shipshape would write for the project.
 */
import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { analyzeContext, type ContextReport } from '../context/index.js';
import { detectApp, generateDockerignore, generateFiles } from '../generate/index.js';
import { ShipshapeError } from '../internal/errors.js';

export interface ContextVerbOptions {
  dir?: string;
  dockerfile?: string;
  top?: number;
}

export interface ContextResult extends ContextReport {
  /** The `.dockerignore` `shipshape init` would write for this directory. */
  suggestedDockerignore: string;
}

export async function context(options: ContextVerbOptions = {}): Promise<ContextResult> {
  const dir = resolve(options.dir ?? '.');
  const report = await analyzeContext({ dir, ...(options.dockerfile === undefined ? {} : { dockerfile: options.dockerfile }), ...(options.top === undefined ? {} : { top: options.top }) });
  let suggestedDockerignore: string;
  try {
    // the app whose build context this directory is (a monorepo root with several apps gets the generic file)
    const app = await detectApp(dir);
    suggestedDockerignore = app.context === '.' ? (await generateFiles(dir, app)).dockerignore : generateDockerignore(undefined, await readdir(dir), []).text;
  } catch (error) {
    if (!(error instanceof ShipshapeError) || error.code === 'internal') throw error;
    suggestedDockerignore = generateDockerignore(undefined, await readdir(dir), []).text;
  }
  return { ...report, suggestedDockerignore };
}
