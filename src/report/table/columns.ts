/**
 * Aligned text columns for long tables (a findings list can have tens of thousands of rows).
 * Written by hand because cli-table3's layout grows much faster than linear with the row count:
 * 10,000 findings took 19 s. Cells are single-line and already truncated by the caller; colour
 * codes are skipped when measuring widths.
 */
const ANSI = new RegExp(String.raw`\u001b\[[0-9;]*m`, 'g');

function visibleLength(text: string): number {
  return [...text.replace(ANSI, '')].length;
}

export function alignedColumns(head: readonly string[], rows: readonly (readonly string[])[], paintHead: (text: string) => string = (text) => text): string {
  const widths = head.map((title, column) => rows.reduce((widest, row) => Math.max(widest, visibleLength(row[column] ?? '')), visibleLength(title)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell + ' '.repeat((widths[column] ?? 0) - visibleLength(cell))))
      .join('  ')
      .trimEnd();
  const out = [paintHead(line(head)), widths.map((width) => '─'.repeat(width)).join('  ')];
  for (const row of rows) out.push(line(row));
  return out.join('\n');
}
