// A worker thread does not inherit tsx's loader, so it registers it before loading the cell.
import { register } from 'tsx/esm/api';

register();
await import('./baseline_worker.ts');
