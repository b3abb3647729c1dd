/** The fuzzing layer: seed runs to traces, event generators, campaigns. */
export * from './run_trace.ts';
export { generateEvent } from './event_gen.ts';
export * from './shrink.ts';
export * from './campaign.ts';
export * from './coverage.ts';
export * from './findings.ts';
