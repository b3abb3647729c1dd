/**
 * Simulated devices. In-flight operations live in the model's world (submitted by a kernel
 * call); a device reads them from there and offers each as a completion proposal, deciding
 * — from the devices stream, when the scheduler picks it — whether it completes whole,
 * short or with an error.
 */
import type { BvsimEvent, World } from '../core/index.ts';
import type { Draw } from './choices.ts';

export interface Device {
  readonly name: string;
  /** Prefix of an operation's scheduling key, `io:<prefix><id>`. */
  readonly keyPrefix: string;
  /**
   * Ids of the operations in flight, ascending. The list is the device's own, rewritten at its
   * next call (it is asked at every step): read it, do not keep it.
   */
  inflight(world: World): readonly number[];
  /** In-flight operation `id`'s completion, decided from the devices stream when it is picked. */
  complete(world: World, id: number, draw: Draw, draining: boolean): BvsimEvent;
}
