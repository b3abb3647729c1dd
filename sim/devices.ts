/**
 * Simulated devices. In-flight operations live in the model's world (submitted by a kernel
 * call); a device reads them from there and offers each as a completion proposal, deciding
 * — from the devices stream, when the scheduler picks it — whether it completes whole,
 * short or with an error.
 */
import type { BvsimEvent, World } from '../core/index.ts';
import type { Draw } from './choices.ts';

export interface InflightIo {
  /** Stable key within the device, e.g. the io id. */
  readonly key: string;
  complete(draw: Draw, draining: boolean): BvsimEvent;
}

export interface Device {
  readonly name: string;
  inflight(world: World): InflightIo[];
}
