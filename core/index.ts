/** The public face of the model: everything other folders may import from core/. */
export * from './registry.ts';
export * from './engine.ts';
export * from './state.ts';
export * from './findings.ts';
export * from './json.ts';
export { DEFAULT_OPTIONS, type ModelOptions } from './ctx.ts';
export type { Ret } from './recipe.ts';
export * as kernel from './kernel_int.ts';
export * from './mutants.ts';
