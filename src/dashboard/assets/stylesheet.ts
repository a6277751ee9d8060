// The dashboard's stylesheet, served as /assets/style.css (never inline: the CSP forbids inline styles).

/** CSS for every page. */
export const STYLESHEET = `
:root { --fg: #1d2330; --muted: #667085; --line: #e4e7ec; --bg: #f8f9fb; --accent: #3056d3; --bad: #c4320a; --ok: #067647; --warn: #b54708; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; gap: 1.5rem; align-items: center; padding: .6rem 1.2rem; background: #111827; color: #fff; }
header a { color: #d0d5dd; text-decoration: none; margin-right: 1rem; }
header a:hover, header a.brand { color: #fff; }
header .brand { font-weight: 700; font-size: 1.1rem; }
header .who { margin-left: auto; color: #d0d5dd; }
.live { color: #98a2b3; }
.live.on { color: #32d583; }
.live.off { color: #f97066; }
main { padding: 1rem 1.2rem 3rem; max-width: 1500px; }
h1 { font-size: 1.4rem; margin: .4rem 0 1rem; }
h2 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
a { color: var(--accent); }
table.grid { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); }
.grid th, .grid td { padding: .35rem .55rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
.grid th { background: #f2f4f7; font-weight: 600; font-size: .85rem; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.state { display: inline-block; padding: 0 .45rem; border-radius: 9px; font-size: .8rem; background: #eaecf0; }
.state-completed { background: #dcfae6; color: var(--ok); }
.state-failed, .state-expired, .state-missing { background: #fee4e2; color: var(--bad); }
.state-active { background: #d1e0ff; color: #2d31a6; }
.state-delayed, .state-waiting-children { background: #fef0c7; color: var(--warn); }
.state-cancelled { background: #f2f4f7; color: var(--muted); }
.paused { background: #fef0c7; color: var(--warn); padding: 0 .4rem; border-radius: 4px; font-size: .8rem; }
.spark polyline { stroke: var(--accent); }
.spark-failures polyline { stroke: var(--bad); }
.tabs { display: flex; flex-wrap: wrap; gap: .2rem; margin-bottom: .6rem; }
.tabs a { padding: .25rem .6rem; border: 1px solid var(--line); border-radius: 6px; background: #fff; text-decoration: none; }
.tabs a.current { background: var(--accent); color: #fff; }
.tabs .count { color: var(--muted); }
.tabs a.current .count { color: #e0e7ff; }
form.search { margin: .5rem 0; display: flex; gap: .4rem; align-items: center; }
input[type=search] { width: 22rem; }
input, textarea, select, button { font: inherit; }
button { cursor: pointer; border: 1px solid #d0d5dd; background: #fff; border-radius: 6px; padding: .15rem .6rem; margin: 0 .15rem .15rem 0; }
button:hover { border-color: var(--accent); }
button.danger { color: var(--bad); }
button[disabled] { opacity: .5; cursor: progress; }
.bulk { margin: .5rem 0; display: flex; flex-wrap: wrap; gap: .3rem; align-items: center; }
.pager { display: flex; gap: 1rem; }
.reason { color: var(--bad); max-width: 28rem; overflow-wrap: anywhere; }
pre { background: #fff; border: 1px solid var(--line); padding: .5rem; overflow: auto; max-height: 24rem; margin: 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; background: #fff; border: 1px solid var(--line); padding: .6rem; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.add-job form { display: grid; gap: .4rem; max-width: 36rem; margin-top: .5rem; }
.add-job label { display: grid; gap: .2rem; }
.empty, .notice { color: var(--muted); }
.health-ok { color: var(--ok); } .health-late, .health-idle-fetch { color: var(--bad); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 1rem; }
.charts figure { margin: 0; background: #fff; border: 1px solid var(--line); padding: .5rem; }
ul.runs { margin: 0; padding-left: 1rem; }
#toast { position: fixed; right: 1rem; bottom: 1rem; max-width: 30rem; }
#toast:empty { display: none; }
#toast { background: #111827; color: #fff; padding: .6rem .9rem; border-radius: 8px; }
#toast.error { background: var(--bad); }
`;
