/** The viewer's stylesheet, inlined into the page. */
export const VIEW_CSS = `
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.35 system-ui, sans-serif; color: #1d2327; background: #f4f5f7; }
h1 { font-size: 16px; margin: 0 0 4px; } h2 { font-size: 13px; margin: 10px 0 4px; color: #37474f; }
code, pre, .mono { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
#top { background: #263238; color: #eceff1; padding: 8px 12px; }
#meta { color: #b0bec5; } #meta b { color: #eceff1; font-weight: 600; }
#error { margin-top: 6px; background: #b71c1c; color: #fff; padding: 4px 8px; border-radius: 4px; }
#timeline-box { display: flex; background: #fff; border-bottom: 1px solid #cfd8dc; padding: 4px 12px; }
#lane-names { width: 170px; flex: none; font-size: 11px; }
#lane-names div { height: 14px; line-height: 14px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
#lane-names .swatch { display: inline-block; width: 9px; height: 9px; border-radius: 2px; margin-right: 4px; }
#timeline { flex: 1; min-width: 0; width: 100%; cursor: crosshair; }
#controls { position: sticky; top: 0; z-index: 2; display: flex; flex-wrap: wrap; align-items: center; gap: 6px; padding: 6px 12px; background: #eceff1; border-bottom: 1px solid #cfd8dc; }
#slider { flex: 1; min-width: 200px; }
#step-input { width: 90px; }
main { display: grid; grid-template-columns: minmax(0, 1fr) 440px; gap: 12px; padding: 8px 12px; }
section.block { background: #fff; border: 1px solid #dde3e6; border-radius: 6px; padding: 4px 10px 8px; margin-bottom: 8px; }
.empty { color: #90a4ae; font-style: italic; }
.more { color: #78909c; font-style: italic; margin-top: 4px; }
.chain { display: flex; align-items: flex-start; gap: 4px; overflow-x: auto; padding: 4px 0 6px; }
.arrow { align-self: center; color: #78909c; font-size: 18px; }
.node { border: 2px solid #546e7a; border-radius: 6px; background: #fff; padding: 3px; flex: none; }
.node.freed { opacity: .5; border-style: dashed; background: #eceff1; }
.node-head { font-weight: 600; margin-bottom: 3px; white-space: nowrap; }
.node-head .ref { background: #37474f; color: #fff; border-radius: 3px; padding: 0 4px; margin-left: 4px; }
.node-head .dim { font-weight: 400; color: #607d8b; margin-left: 4px; }
.dim { color: #607d8b; font-size: 11px; }
.slots { display: flex; gap: 2px; }
.slot { border: 1px solid #90a4ae; border-radius: 3px; min-width: 76px; padding: 2px 3px; font-size: 11px; background: #f9fbfc; }
.slot.unpublished { color: #90a4ae; background: repeating-linear-gradient(45deg, #fff, #fff 4px, #eef1f3 4px, #eef1f3 8px); }
.slot.end { min-width: 30px; border-style: dotted; }
.slot .idx { color: #78909c; }
.marker { display: block; margin-top: 2px; border-radius: 3px; padding: 0 4px; font-size: 10px; color: #fff; background: #1565c0; white-space: nowrap; }
.marker.pos { background: #6a1b9a; }
.changed { box-shadow: 0 0 0 3px #ffb300; }
tr.changed { box-shadow: none; background: #fff3c4; }
table.objs { border-collapse: collapse; width: 100%; }
table.objs th { text-align: left; font-weight: 600; color: #546e7a; border-bottom: 1px solid #cfd8dc; padding: 2px 6px; }
table.objs td { padding: 2px 6px; border-bottom: 1px solid #eceff1; vertical-align: top; }
tr.freed td { color: #9e9e9e; text-decoration: line-through; }
.badge { display: inline-block; padding: 0 4px; margin: 0 2px 1px 4px; border-radius: 3px; font-size: 10px; }
.badge.on { background: #2e7d32; color: #fff; } .badge.off { background: #eceff1; color: #b0bec5; }
.badge.flag { background: #455a64; color: #fff; } .badge.warn { background: #c62828; color: #fff; }
.bios { display: flex; flex-wrap: wrap; gap: 6px; }
.bio { border: 2px solid #455a64; border-radius: 6px; padding: 4px 6px; background: #fff; min-width: 230px; }
.bio.freed { opacity: .5; border-style: dashed; }
.bio .kv { display: grid; grid-template-columns: auto 1fr; gap: 0 8px; font-size: 12px; }
.bio .kv span:nth-child(odd) { color: #607d8b; }
.vec { display: inline-block; border: 1px solid #90a4ae; border-radius: 3px; padding: 0 3px; margin: 1px; font-size: 11px; }
.freed-list { margin-top: 4px; color: #78909c; }
.freed-list .vec { color: #9e9e9e; text-decoration: line-through; }
.vec.shared { border-color: #ef6c00; background: #fff3e0; }
#side h2:first-child { margin-top: 4px; }
#event-panel pre { white-space: pre-wrap; word-break: break-all; background: #f5f7f8; border: 1px solid #e0e6e9; padding: 4px 6px; max-height: 260px; overflow: auto; margin: 2px 0; }
.lane-chip { display: inline-block; border-radius: 3px; padding: 0 5px; color: #fff; font-size: 11px; }
.finding { border-left: 4px solid #c62828; background: #ffebee; padding: 2px 6px; margin: 2px 0; }
.finding.warn { border-color: #f9a825; background: #fff8e1; }
.finding.invariant { border-color: #8e24aa; background: #f3e5f5; }
#findings-list, #nearby { position: relative; list-style: none; padding: 0; margin: 0; max-height: 300px; overflow: auto; }
#findings-list button, #nearby button { all: unset; display: block; width: 100%; cursor: pointer; padding: 1px 4px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
#findings-list li { border-left: 4px solid #c62828; margin: 1px 0; background: #fff; }
#findings-list li.warn { border-color: #f9a825; } #findings-list li.invariant { border-color: #8e24aa; }
#findings-list li.current, #nearby li.current { background: #ffe082; }
#nearby li.has-finding { font-weight: 600; color: #b71c1c; }
.dot { display: inline-block; width: 8px; height: 8px; border-radius: 50%; margin-right: 4px; }
.changes { font-size: 11px; max-height: 220px; overflow: auto; padding-left: 16px; }
.changes li { word-break: break-all; }
#findings-list li.empty { border: none; background: none; }
`;
