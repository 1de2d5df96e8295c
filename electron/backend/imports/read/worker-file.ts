// Where an import's parse worker is, in every launch mode: from sources
// (parse-worker-source.mjs), the bundled fwb (out/cli) and the built app
// (out/main/parse-worker.js, named by the backend worker at start). A module of its
// own so what only needs the worker's file (the run overview's thread) loads none of
// the import pipeline.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';

// Kept in a variable so bundlers do not try to resolve it: a bundle has no tsx or
// .ts sources and names its own built parse worker instead (useParseWorker).
const SOURCE_WORKER = './parse-worker-source.mjs';

let bundledWorker: URL | null = null;

/** A bundle's own parse worker (out/main/parse-worker.js beside the backend worker). */
export function useParseWorker(url: URL): void {
  bundledWorker = url;
}

/**
 * The bundled command line (out/cli, see scripts/build-cli.mjs) names its own
 * parse-worker entry here, since a bundle's chunks cannot find it relative to themselves.
 */
const BUNDLED_WORKER_ENV = 'FWB_PARSE_WORKER';

export function workerUrl(): URL | null {
  const bundled = process.env[BUNDLED_WORKER_ENV];
  if (bundled && existsSync(bundled)) return pathToFileURL(bundled);
  if (bundledWorker && existsSync(fileURLToPath(bundledWorker))) return bundledWorker;
  if (!import.meta.url.endsWith('.ts')) return null;
  const url = new URL(SOURCE_WORKER, import.meta.url);
  return url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? url : null;
}

export function parseWorkerAvailable(): boolean {
  return workerUrl() !== null;
}

/** The file large imports are read in, or null where they read in this thread. */
export function parseWorkerFile(): string | null {
  const url = workerUrl();
  return url ? fileURLToPath(url) : null;
}
