// Entry of `npm run web`: builds the renderer when it is missing or older than
// its sources, then runs the browser host from TypeScript via tsx.
import { ensureBuilt } from './build-if-stale.mjs';
import { register } from 'tsx/esm/api';

ensureBuilt();
register();
await import('../electron/web/main.ts');
