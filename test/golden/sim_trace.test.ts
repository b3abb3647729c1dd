// Pins what the simulator makes of one seed: its drawn config and the first 20 steps of its
// trace (not the model id, which changes with every new event type). A change here changes
// every stored seed's run, so it needs a commit that says why.
import { describe, expect, it } from 'vitest';
import { runSeedTrace } from '../../fuzz/index.ts';
import { encodeTrace } from '../../traces/index.ts';

const SEED = 2;

describe(`bvsim run --seed ${SEED} (golden)`, () => {
  const lines = encodeTrace(runSeedTrace(SEED, { mutants: [], mode: 'mutable' }).trace).split('\n');

  it('should draw the pinned config', () => {
    const { model: _model, ...header } = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(header).toMatchInlineSnapshot(`
      {
        "config": {
          "actors": [
            {
              "folios": 5,
              "kind": "stacking_driver",
              "limitSectors": 80,
              "name": "stacking_driver0",
              "orderMax": 2,
              "rounds": 1,
            },
            {
              "folios": 6,
              "kind": "stacking_driver",
              "limitSectors": 184,
              "name": "stacking_driver1",
              "orderMax": 1,
              "rounds": 3,
            },
            {
              "emptyNodes": true,
              "folios": 3,
              "kind": "iter_user",
              "name": "iter_user0",
              "opsMax": 4,
              "orderMax": 1,
              "rounds": 3,
              "slotsMax": 2,
              "variant": "bvecq",
              "zeroSlots": true,
            },
            {
              "emptyNodes": false,
              "folios": 2,
              "kind": "iter_user",
              "name": "iter_user1",
              "opsMax": 6,
              "orderMax": 1,
              "rounds": 1,
              "slotsMax": 12,
              "variant": "mixed",
              "zeroSlots": true,
            },
            {
              "inflightMax": 3,
              "kind": "bvecq_consumer",
              "name": "bvecq_consumer0",
              "nodeSlotsMax": 1,
              "orderMax": 1,
              "pages": 13,
              "sliceMax": 3059,
              "sliceSlotsMax": 2,
            },
            {
              "inflightMax": 2,
              "kind": "bvecq_consumer",
              "name": "bvecq_consumer1",
              "nodeSlotsMax": 28,
              "orderMax": 0,
              "pages": 1,
              "sliceMax": 57499,
              "sliceSlotsMax": 8,
            },
            {
              "inflightMax": 3,
              "kind": "bvecq_consumer",
              "name": "bvecq_consumer2",
              "nodeSlotsMax": 11,
              "orderMax": 0,
              "pages": 19,
              "sliceMax": 6645,
              "sliceSlotsMax": 4,
            },
            {
              "cached": true,
              "eofShortMax": 4478,
              "folios": 4,
              "hazards": false,
              "kind": "netfs_reader",
              "maxSegs": 14,
              "name": "netfs_reader0",
              "nodeSlots": 2,
              "orderMax": 2,
              "rounds": 3,
              "rsize": 4096,
              "sendErrors": true,
              "truncateMax": 4090,
            },
            {
              "cached": false,
              "eofShortMax": 4034,
              "folios": 6,
              "hazards": false,
              "kind": "netfs_reader",
              "maxSegs": 1,
              "name": "netfs_reader1",
              "nodeSlots": 1,
              "orderMax": 1,
              "rounds": 2,
              "rsize": 6144,
              "sendErrors": false,
              "truncateMax": 0,
            },
          ],
          "allocFailRate": {
            "denominator": 1,
            "numerator": 0,
          },
          "design": "cursor",
          "device": {
            "errorRate": {
              "denominator": 1,
              "numerator": 0,
            },
            "shortRate": {
              "denominator": 32,
              "numerator": 8,
            },
            "weight": 1,
          },
          "drainMax": 5000,
          "eventsMax": 982,
          "policy": {
            "kind": "random",
          },
        },
        "format": "bvsim-trace",
        "seed": "2",
        "version": 1,
      }
    `);
  });

  it('should make the pinned first 20 steps', () => {
    expect(lines.slice(1, 21)).toMatchInlineSnapshot(`
      [
        "{"by":"actor:stacking_driver1","event":{"fail":false,"folio":1048578,"order":1,"pfn":1048578,"type":"folio_alloc"},"i":0,"ret":true}",
        "{"by":"actor:stacking_driver0","event":{"fail":false,"folio":1048576,"order":1,"pfn":1048576,"type":"folio_alloc"},"i":1,"ret":true}",
        "{"by":"actor:stacking_driver0","event":{"fail":false,"folio":1048591,"order":0,"pfn":1048591,"type":"folio_alloc"},"i":2,"ret":true}",
        "{"by":"actor:netfs_reader1.ra","event":{"fail":false,"folio":1048588,"order":1,"pfn":1048588,"type":"folio_alloc"},"i":3,"ret":true}",
        "{"by":"actor:iter_user1","event":{"fail":false,"folio":1048582,"order":1,"pfn":1048582,"type":"folio_alloc"},"i":4,"ret":true}",
        "{"by":"actor:bvecq_consumer2","event":{"bvecq":3,"fail":false,"pos":3,"type":"bvecq_buffer_init"},"i":5,"ret":0}",
        "{"by":"actor:iter_user1","event":{"fail":false,"folio":1048596,"order":0,"pfn":1048596,"type":"folio_alloc"},"i":6,"ret":true}",
        "{"by":"actor:bvecq_consumer0","event":{"bvecq":1,"fail":false,"pos":1,"type":"bvecq_buffer_init"},"i":7,"ret":0}",
        "{"by":"actor:bvecq_consumer1","event":{"bvecq":2,"fail":false,"pos":2,"type":"bvecq_buffer_init"},"i":8,"ret":0}",
        "{"by":"actor:stacking_driver0","event":{"fail":false,"folio":1048592,"order":2,"pfn":1048592,"type":"folio_alloc"},"i":9,"ret":true}",
        "{"by":"actor:netfs_reader1.ra","event":{"folio":1048588,"type":"folio_lock"},"i":10,"ret":null}",
        "{"by":"actor:stacking_driver1","event":{"fail":false,"folio":1048590,"order":0,"pfn":1048590,"type":"folio_alloc"},"i":11,"ret":true}",
        "{"by":"actor:netfs_reader0.ra","event":{"fail":false,"folio":1048584,"order":2,"pfn":1048584,"type":"folio_alloc"},"i":12,"ret":true}",
        "{"by":"actor:netfs_reader1.ra","event":{"fail":false,"folio":1048598,"order":1,"pfn":1048598,"type":"folio_alloc"},"i":13,"ret":true}",
        "{"by":"actor:stacking_driver1","event":{"fail":false,"folio":1048600,"order":1,"pfn":1048600,"type":"folio_alloc"},"i":14,"ret":true}",
        "{"by":"actor:bvecq_consumer2","event":{"at":3,"pos":4,"type":"bvecq_pos_set"},"i":15,"ret":null}",
        "{"by":"actor:bvecq_consumer1","event":{"at":2,"pos":8,"type":"bvecq_pos_set"},"i":16,"ret":null}",
        "{"by":"actor:iter_user0","event":{"fail":false,"folio":1048580,"order":0,"pfn":1048580,"type":"folio_alloc"},"i":17,"ret":true}",
        "{"by":"actor:netfs_reader1.ra","event":{"folio":1048598,"type":"folio_lock"},"i":18,"ret":null}",
        "{"by":"actor:bvecq_consumer0","event":{"at":1,"pos":6,"type":"bvecq_pos_set"},"i":19,"ret":null}",
      ]
    `);
  });
});
