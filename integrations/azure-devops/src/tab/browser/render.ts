/**
 * Turns the tab's sections (tab-model.ts) into elements. Text goes in as text (`textContent`),
 * never as HTML, so a package name or a control title from a scanned host cannot inject markup.
 */
import { filterRows, filterValues, type Block, type SectionView, type Table } from '../tab-model.js';

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function renderTableBody(body: HTMLTableSectionElement, rows: readonly (string | number)[][]): void {
  body.replaceChildren(
    ...rows.map((row) => {
      const tr = element('tr');
      for (const cell of row) tr.append(element('td', typeof cell === 'number' ? 'number' : undefined, String(cell)));
      return tr;
    }),
  );
}

function renderTable(table: Table, empty: string): HTMLElement {
  const wrapper = element('div', 'table-block');
  if (table.rows.length === 0) {
    if (empty) wrapper.append(element('p', 'empty', empty));
    return wrapper;
  }
  const chosen: Record<number, string> = {};
  const htmlTable = element('table');
  const head = element('thead');
  const headRow = element('tr');
  for (const column of table.columns) headRow.append(element('th', undefined, column));
  head.append(headRow);
  const body = element('tbody');
  renderTableBody(body, table.rows);
  htmlTable.append(head, body);
  if (table.filterColumns && table.filterColumns.length > 0) {
    const filters = element('div', 'filters');
    for (const column of table.filterColumns) {
      const label = element('label', undefined, `${table.columns[column] ?? ''} `);
      const select = element('select');
      select.dataset.column = String(column);
      select.append(element('option', undefined, 'All'));
      (select.firstChild as HTMLOptionElement).value = '';
      for (const value of filterValues(table, column)) {
        const option = element('option', undefined, value);
        option.value = value;
        select.append(option);
      }
      select.addEventListener('change', () => {
        chosen[column] = select.value;
        renderTableBody(body, filterRows(table, chosen));
      });
      label.append(select);
      filters.append(label);
    }
    wrapper.append(filters);
  }
  wrapper.append(htmlTable);
  return wrapper;
}

function renderBlock(block: Block): HTMLElement {
  const container = element('section', `block ${block.kind}`);
  if (block.kind !== 'note' && block.title) container.append(element('h3', undefined, block.title));
  if (block.kind === 'note') container.append(element('p', undefined, block.text));
  else if (block.kind === 'facts') {
    const list = element('dl');
    for (const [term, value] of block.items) list.append(element('dt', undefined, term), element('dd', undefined, value));
    container.append(list);
  } else container.append(renderTable(block.table, block.empty));
  return container;
}

export function renderSection(section: SectionView): HTMLElement {
  const root = element('article', 'scan');
  root.dataset.key = section.key;
  const header = element('header');
  const status = section.passed === undefined ? 'no gate' : section.passed ? 'passed' : 'failed';
  header.append(element('h2', undefined, section.title), element('span', `status ${status.replace(' ', '-')}`, status), element('p', 'subtitle', section.subtitle));
  const tabBar = element('nav', 'tabs');
  tabBar.setAttribute('role', 'tablist');
  const panels = section.tabs.map((tab, index) => {
    const panel = element('div', 'panel');
    panel.dataset.tab = tab.id;
    panel.hidden = index !== 0;
    panel.append(...tab.blocks.map(renderBlock));
    return panel;
  });
  section.tabs.forEach((tab, index) => {
    const button = element('button', index === 0 ? 'tab selected' : 'tab', tab.title);
    button.type = 'button';
    button.setAttribute('role', 'tab');
    button.dataset.tab = tab.id;
    button.addEventListener('click', () => {
      panels.forEach((panel, other) => (panel.hidden = other !== index));
      tabBar.querySelectorAll('button').forEach((other) => other.classList.toggle('selected', other === button));
    });
    tabBar.append(button);
  });
  root.append(header, tabBar, ...panels);
  return root;
}

export function renderSections(container: HTMLElement, sections: readonly SectionView[], notes: readonly string[]): void {
  container.replaceChildren();
  for (const note of notes) container.append(element('p', 'notice', note));
  if (sections.length === 0) container.append(element('p', 'empty', 'No Tollgate results in this build.'));
  for (const section of sections) container.append(renderSection(section));
}
