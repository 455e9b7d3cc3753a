/**
 * Squarified treemap layout (Bruls, Huizing & van Wijk 2000) of weighted items in a rectangle:
 * rows of cells along the shorter side, each row closed when adding a cell would worsen its aspect ratio.
 */
export interface Tile<T> {
  readonly item: T;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export function squarify<T>(
  items: readonly T[],
  weight: (item: T) => number,
  box: { x: number; y: number; width: number; height: number },
): Tile<T>[] {
  const total = items.reduce((s, i) => s + Math.max(0, weight(i)), 0);
  if (total <= 0 || box.width <= 0 || box.height <= 0) return [];
  const scale = (box.width * box.height) / total;
  const queue = [...items]
    .map((item) => ({ item, area: Math.max(0, weight(item)) * scale }))
    .sort((a, b) => b.area - a.area);
  const tiles: Tile<T>[] = [];
  let { x, y, width, height } = box;

  const worst = (row: { area: number }[], side: number) => {
    const s = row.reduce((a, r) => a + r.area, 0);
    const max = Math.max(...row.map((r) => r.area));
    const min = Math.min(...row.map((r) => r.area));
    return Math.max((side * side * max) / (s * s), (s * s) / (side * side * min));
  };

  while (queue.length) {
    const side = Math.min(width, height);
    const row = [queue.shift()!];
    while (queue.length && worst([...row, queue[0]!], side) <= worst(row, side)) row.push(queue.shift()!);
    const rowArea = row.reduce((a, r) => a + r.area, 0);
    const thickness = rowArea / side;
    let offset = 0;
    for (const r of row) {
      const length = thickness > 0 ? r.area / thickness : 0;
      tiles.push(
        width >= height
          ? { item: r.item, x, y: y + offset, width: thickness, height: length }
          : { item: r.item, x: x + offset, y, width: length, height: thickness },
      );
      offset += length;
    }
    if (width >= height) {
      x += thickness;
      width -= thickness;
    } else {
      y += thickness;
      height -= thickness;
    }
  }
  return tiles;
}
