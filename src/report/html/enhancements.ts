/**
 * The HTML report's optional layer: a stylesheet (tabs through :target, colours, layout) and a
 * small script (sortable columns, vulnerability filters). Both are inline, so a Content-Security-
 * Policy that forbids inline code simply drops them; the report underneath is complete without
 * them. Neither fetches anything.
 */
export const REPORT_CSS = `
:root { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d1d1f; }
body { margin: 0 auto; max-width: 1400px; padding: 0 1.5rem 3rem; }
header.report { border-bottom: 1px solid #ddd; margin-bottom: 1rem; }
.verdict { display: inline-block; padding: .2rem .8rem; border-radius: 4px; font-weight: 700; color: #fff; }
.verdict.pass { background: #1e7e34; } .verdict.fail { background: #b00020; }
nav.tabs ul { list-style: none; display: flex; gap: .25rem; padding: 0; margin: 1rem 0 0; flex-wrap: wrap; }
nav.tabs a { display: block; padding: .5rem 1rem; border: 1px solid #ccc; border-bottom: none; border-radius: 6px 6px 0 0; text-decoration: none; color: #1d1d1f; background: #f4f4f6; }
.panels > section { display: none; border-top: 1px solid #ccc; padding-top: .5rem; }
.panels > section:target { display: block; }
.panels:not(:has(> section:target)) > section:first-of-type { display: block; }
table.data { border-collapse: collapse; width: 100%; margin: .5rem 0 1.5rem; font-size: .9rem; }
table.data caption { text-align: left; font-weight: 600; padding: .3rem 0; }
table.data th, table.data td { border: 1px solid #e0e0e0; padding: .3rem .5rem; text-align: left; vertical-align: top; }
table.data th { background: #f4f4f6; cursor: pointer; position: sticky; top: 0; }
td.num, th.num { text-align: right; }
.sev { font-weight: 600; } .sev-CRITICAL { color: #8b0000; } .sev-HIGH { color: #d9381e; } .sev-MEDIUM { color: #a66b00; } .sev-LOW { color: #2f6fbf; } .sev-NEGLIGIBLE, .sev-UNKNOWN { color: #666; }
.status-violated { color: #b00020; font-weight: 700; } .status-ok { color: #1e7e34; } .status-not-configured { color: #777; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1.5rem; }
dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; }
.charts { display: flex; flex-wrap: wrap; gap: 2rem; }
.filters { margin: .5rem 0; display: flex; gap: 1rem; align-items: center; }
code { font-family: ui-monospace, monospace; font-size: .85em; word-break: break-all; }
`;

export const REPORT_SCRIPT = `
(function () {
  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return '';
    var sort = cell.getAttribute('data-sort');
    return sort !== null ? sort : cell.textContent.trim();
  }
  document.querySelectorAll('table.sortable').forEach(function (table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, index) {
      th.addEventListener('click', function () {
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var ascending = th.getAttribute('aria-sort') !== 'ascending';
        rows.sort(function (a, b) {
          var x = cellValue(a, index), y = cellValue(b, index);
          var nx = parseFloat(x), ny = parseFloat(y);
          var order = !isNaN(nx) && !isNaN(ny) && String(nx) === x && String(ny) === y ? nx - ny : x.localeCompare(y);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
        Array.prototype.forEach.call(headers, function (other) { other.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      });
    });
  });
  document.querySelectorAll('.filters').forEach(function (filters) {
    filters.hidden = false;
    var table = document.getElementById(filters.getAttribute('data-table'));
    var severity = filters.querySelector('select');
    var fixable = filters.querySelector('input[type=checkbox]');
    function apply() {
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var show = (!severity.value || row.getAttribute('data-severity') === severity.value) && (!fixable.checked || row.getAttribute('data-fixable') === 'yes');
        row.hidden = !show;
      });
    }
    severity.addEventListener('change', apply);
    fixable.addEventListener('change', apply);
  });
})();
`;

/** Compliance report styles, added to REPORT_CSS. */
export const COMPLIANCE_CSS = `
.state-FAIL { color: #b00020; font-weight: 700; } .state-ERROR { color: #a66b00; font-weight: 700; } .state-EXCEPTION { color: #6a3fb5; font-weight: 600; }
.state-PASS { color: #1e7e34; } .state-NOT_APPLICABLE { color: #777; }
table.matrix td.hit { background: #fde8ea; font-weight: 700; }
code.cid { word-break: normal; white-space: nowrap; }
ul.evidence { margin: 0; padding-left: 1.1rem; } ul.evidence li { margin: 0; }
details.references { font-size: .85em; } details.references ul { margin: 0; padding-left: 1.1rem; }
.control-filters { margin: .5rem 0; display: flex; gap: 1rem; align-items: center; }
.pager { display: flex; gap: .3rem; flex-wrap: wrap; margin: .5rem 0; } .pager button[aria-current] { font-weight: 700; }
`;

/**
 * Compliance report script: filters of the All Controls table by criticality and status, and pages
 * of 50 rows. Without it every row is shown, so nothing is lost under a strict CSP.
 */
export const COMPLIANCE_SCRIPT = `
(function () {
  var PAGE = 50;
  document.querySelectorAll('.control-filters').forEach(function (filters) {
    filters.hidden = false;
    var table = document.getElementById(filters.getAttribute('data-table'));
    var pager = document.getElementById(filters.getAttribute('data-pager'));
    var criticality = filters.querySelector('select[name=criticality]');
    var state = filters.querySelector('select[name=state]');
    var count = filters.querySelector('output');
    var page = 0;
    function matching() {
      return Array.prototype.filter.call(table.tBodies[0].rows, function (row) {
        return (!criticality.value || row.getAttribute('data-criticality') === criticality.value) && (!state.value || row.getAttribute('data-state') === state.value);
      });
    }
    function render() {
      var rows = matching();
      var pages = Math.max(1, Math.ceil(rows.length / PAGE));
      if (page >= pages) page = pages - 1;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) { row.hidden = true; });
      rows.slice(page * PAGE, page * PAGE + PAGE).forEach(function (row) { row.hidden = false; });
      count.textContent = rows.length + ' controls';
      pager.textContent = '';
      for (var i = 0; i < pages; i++) {
        var button = document.createElement('button');
        button.type = 'button';
        button.textContent = String(i + 1);
        if (i === page) button.setAttribute('aria-current', 'page');
        button.addEventListener('click', (function (n) { return function () { page = n; render(); }; })(i));
        pager.appendChild(button);
      }
    }
    criticality.addEventListener('change', function () { page = 0; render(); });
    state.addEventListener('change', function () { page = 0; render(); });
    table.addEventListener('click', function () { setTimeout(render, 0); });
    render();
  });
})();
`;
