/**
 * Who did a step, as a track: the viewer's timeline rows and the Chrome export's threads.
 * Every `io:<id>` step is the one simulated block device finishing an operation, so they
 * share one lane; a trace written by hand has no `by` at all.
 */

export const DEVICE_LANE = 'device:blkdev';
export const UNATTRIBUTED_LANE = 'trace';

export function laneOf(by: string | undefined): string {
  if (by === undefined) return UNATTRIBUTED_LANE;
  if (by.startsWith('io:')) return DEVICE_LANE;
  return by;
}

/** The lanes in order of first appearance, and each step's index into them. */
export function assignLanes(bys: readonly (string | undefined)[]): { lanes: string[]; laneIndex: number[] } {
  const lanes: string[] = [];
  const index = new Map<string, number>();
  const laneIndex = bys.map((by) => {
    const lane = laneOf(by);
    let k = index.get(lane);
    if (k === undefined) {
      k = lanes.length;
      lanes.push(lane);
      index.set(lane, k);
    }
    return k;
  });
  return { lanes, laneIndex };
}
