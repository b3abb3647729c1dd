// A worker thread does not inherit tsx's loader (not from `tsx`, nor from bin.mjs's register()),
// so each worker registers it before loading the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
