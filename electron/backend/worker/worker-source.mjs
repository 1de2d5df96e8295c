// Worker entry when running from TypeScript sources (browser host, CLI, tests):
// registers tsx in this thread, then loads the real worker. The packaged app uses
// the bundled worker instead.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
