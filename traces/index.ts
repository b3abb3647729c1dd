/** The trace layer: format, decoding, encoding, migrations, recording and replay. */
export * from './format.ts';
export * from './decode.ts';
export * from './encode.ts';
export * from './migrate.ts';
export * from './record.ts';
export * from './replay.ts';
export { eventSpecs, specFor } from './schema/index.ts';
export type { EventSpec } from './schema/common.ts';
export * from './lanes.ts';
export * from './state_diff.ts';
export * from './blame.ts';
export * from './view/data.ts';
export * from './view/rebuild.ts';
export { renderViewHtml, jsonForScript, escapeHtml, scriptForInline } from './view/html.ts';
export * from './export_chrome.ts';
export * from './export_chrome_json.ts';
