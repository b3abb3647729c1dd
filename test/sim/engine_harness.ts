// What every hand-driven scenario harness shares: the immutable engine stepped by hand (a
// rejection throws: the test's own schedule is wrong), the events and findings so far, and
// fresh ids for the objects a test creates.
import { createEngine, type BvsimEvent, type Engine, type Finding, type World } from '../../core/index.ts';

export abstract class EngineHarness {
  readonly engine: Engine;
  readonly events: BvsimEvent[] = [];
  readonly findings: Finding[] = [];
  private nextId = 100;

  protected constructor(mutants: Record<string, boolean>) {
    this.engine = createEngine('immutable', { mutants });
  }

  get world(): World {
    return this.engine.peek();
  }

  step(e: BvsimEvent): unknown {
    const out = this.engine.step(e);
    if (out.rejection !== null) throw new Error(`${e.type} rejected: ${out.rejection.message} (${out.rejection.field})`);
    this.events.push(e);
    this.findings.push(...out.findings);
    return out.ret;
  }

  fresh(): number {
    return this.nextId++;
  }

  /** The findings so far as `kind.id`. */
  ids(): string[] {
    return this.findings.map((f) => `${f.kind}.${f.id}`);
  }
}
