/** Plain-text tables whose columns line up in a terminal, CJK characters counting two columns. */

const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/;

export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += WIDE.test(ch) ? 2 : 1;
  return w;
}

export function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'left' ? text + fill : fill + text;
}

/** Renders rows under a header; `align` per column (default: first left, others right). */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align?: readonly ('left' | 'right')[],
  separatorBefore?: ReadonlySet<number>,
): string {
  const widths = header.map((h, i) =>
    Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))),
  );
  const al = (i: number) => align?.[i] ?? (i === 0 ? 'left' : 'right');
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => pad(c, widths[i]!, al(i)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const out = [line(header), rule];
  rows.forEach((r, i) => {
    if (separatorBefore?.has(i)) out.push(rule);
    out.push(line(r));
  });
  return out.join('\n');
}
