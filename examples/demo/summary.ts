// The demo's closing table.

/** Prints rows of [label, value] as an aligned two-column table. */
export function printTable(title: string, rows: Array<[string, string | number]>): void {
  const width = Math.max(...rows.map(([label]) => label.length));
  const valueWidth = Math.max(...rows.map(([, value]) => String(value).length));
  const rule = `+${"-".repeat(width + 2)}+${"-".repeat(valueWidth + 2)}+`;
  console.log(`\n${title}`);
  console.log(rule);
  for (const [label, value] of rows) {
    console.log(`| ${label.padEnd(width)} | ${String(value).padStart(valueWidth)} |`);
  }
  console.log(rule);
}
