// Where the backend worker lives when running from TypeScript sources (browser
// host, CLI, tests). The packaged desktop app passes its bundled worker instead.
export const sourceWorkerUrl = new URL('./worker-source.mjs', import.meta.url);
