/** `npm run docs`: regenerates docs/events.md from the event registry. */
import { join } from 'node:path';
import { realIo } from './io.ts';
import { renderEventsDoc } from './events_doc.ts';

const path = join(import.meta.dirname, '..', 'docs', 'events.md');
realIo().writeFile(path, renderEventsDoc(), true);
process.stdout.write(`wrote ${path}\n`);
