// Parse-worker entry when running from TypeScript sources (CLI, tests, browser
// host): registers tsx in this thread, then loads the real worker.
import { register } from 'tsx/esm/api';

register();
await import('./parse-worker.ts');
