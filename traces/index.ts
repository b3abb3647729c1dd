/** The trace layer: format, decoding, encoding, migrations, recording and replay. */
export * from './format.ts';
export * from './decode.ts';
export * from './encode.ts';
export * from './migrate.ts';
export * from './record.ts';
export * from './replay.ts';
export { eventSpecs, specFor } from './schema/index.ts';
export type { EventSpec } from './schema/common.ts';
