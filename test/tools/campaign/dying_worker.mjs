// A campaign worker that dies whenever its batch holds run k == workerData.dieAtK, standing for
// a run that takes its thread down (out of memory, a native crash): the pool must replace it.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const on = parentPort.on.bind(parentPort);
parentPort.on = (event, listener) =>
  on(event, (m) => {
    if (event === 'message' && m.type === 'runs' && m.specs.some((s) => s.k === workerData.dieAtK)) process.exit(3);
    listener(m);
  });
await import('../../../tools/campaign/worker.ts');
