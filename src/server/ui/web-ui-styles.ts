/**
 * The UI's own stylesheet (/ui/app.css), on top of the report's (/ui/report.css): the top bar,
 * forms, buttons, the tab panels the client switches (instead of the report's :target tabs, since
 * the address's fragment holds the UI's route), and a focus ring that is always visible.
 */
export const WEB_UI_CSS = `
header.ui-bar { display: flex; align-items: center; gap: 1.5rem; border-bottom: 1px solid #ddd; padding: .6rem 0; margin-bottom: 1rem; flex-wrap: wrap; }
header.ui-bar .brand { font-weight: 700; font-size: 1.2rem; color: #1d1d1f; text-decoration: none; }
#ui-nav ul { list-style: none; display: flex; gap: 1rem; margin: 0; padding: 0; flex-wrap: wrap; align-items: center; }
#ui-nav a[aria-current="page"] { font-weight: 700; }
a { color: #0b57d0; }
:focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
button, input, select, textarea { font: inherit; }
button { padding: .35rem .9rem; border: 1px solid #888; border-radius: 4px; background: #f4f4f6; cursor: pointer; }
button.primary { background: #0b57d0; border-color: #0b57d0; color: #fff; }
button.danger { border-color: #b00020; color: #b00020; }
form.stack { display: grid; gap: .6rem; max-width: 32rem; }
form.stack label, form.inline label { display: grid; gap: .2rem; font-weight: 600; }
form.inline { display: flex; gap: .8rem; align-items: end; flex-wrap: wrap; margin: .5rem 0; }
input, select, textarea { padding: .35rem .5rem; border: 1px solid #888; border-radius: 4px; }
#ui-status:empty { display: none; }
#ui-status, .notice { margin: .5rem 0; padding: .5rem .8rem; border-radius: 4px; background: #eef4ff; border: 1px solid #b6ccf5; }
.error { background: #fdecee; border: 1px solid #f0b3bb; padding: .5rem .8rem; border-radius: 4px; }
.secret { font-family: ui-monospace, monospace; background: #fff8e1; border: 1px solid #e6c860; padding: .5rem; word-break: break-all; }
.cards { display: flex; gap: 1rem; flex-wrap: wrap; margin: .5rem 0 1.5rem; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: .6rem 1rem; min-width: 8rem; }
.card .count { font-size: 1.6rem; font-weight: 700; display: block; }
/* The report shows its first section when none is the :target; in the UI the client decides. */
.ui-report .panels > section:not(.active) { display: none !important; }
.ui-report .panels > section.active { display: block; }
.ui-report nav.tabs a[aria-current="true"] { background: #fff; font-weight: 700; }
.state-EXCEPTED { color: #6a3fb5; font-weight: 600; }
nav.pager { display: flex; gap: .6rem; margin: .6rem 0; }
button:disabled { opacity: .5; cursor: default; }
`;
