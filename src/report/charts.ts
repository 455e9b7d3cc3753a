/** Server-rendered SVG charts of the reports (d3-scale, d3-shape, d3-format; no DOM). */
export { escapeXml, type ChartOptions } from './charts/svg.js';
export { rankingBarChart } from './charts/bar-chart.js';
export { compositionChart } from './charts/stacked-bar-chart.js';
export { productHeatMap } from './charts/heat-map.js';
export { changeChart } from './charts/change-chart.js';
export { townshipMap, mapCellsOf, type MapCell } from './charts/township-map.js';
export { squarify, type Tile } from './charts/squarify.js';
