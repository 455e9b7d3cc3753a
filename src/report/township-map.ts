/**
 * Which township map a report shows: a choropleth on the township boundaries when they are loaded (any
 * ranking figure or any product's value), else the schematic treemap (labelled 示意图). Pure.
 */
import type { Dec } from '../domain/decimal.js';
import type { Labels } from '../methods/schema.js';
import type { Boundary } from '../store/geo.js';
import { choropleth, type MapArea } from './charts/choropleth.js';
import { mapCellsOf, townshipMap } from './charts/township-map.js';
import type { ComparisonReport } from './comparison.js';
import type { DisplayUnitId, Lang } from './format.js';

export interface MapOption {
  readonly id: string;
  readonly labels: Labels;
}

/** The figures a comparison map can show: the rankings' figures, then each product's value. */
export function mapOptions(report: ComparisonReport): MapOption[] {
  return [
    ...report.rankings.map((r) => ({ id: r.metric, labels: r.labels })),
    ...report.productMatrix.products.map((p) => ({ id: `product:${p.id}`, labels: p.labels })),
  ];
}

/** One figure per township of a comparison, by map option id (default GEP per km²). */
export function mapFigures(
  report: ComparisonReport,
  option: string,
): { indicator: Labels; unit: DisplayUnitId; values: ReadonlyMap<string, Dec | undefined> } {
  const product = option.startsWith('product:') ? option.slice(8) : undefined;
  const p = product ? report.productMatrix.products.findIndex((x) => x.id === product) : -1;
  if (p >= 0)
    return {
      indicator: report.productMatrix.products[p]!.labels,
      unit: 'wan_yuan',
      values: new Map(
        report.productMatrix.townships.map((t, i) => [t.id, report.productMatrix.values[i]![p]]),
      ),
    };
  const ranking =
    report.rankings.find((r) => r.metric === option) ??
    report.rankings.find((r) => r.metric === 'gep_per_km2')!;
  return {
    indicator: ranking.labels,
    unit: ranking.unit,
    values: new Map(ranking.rows.map((r) => [r.township, r.value])),
  };
}

/** Boundaries with their figures and names; townships without a boundary are not drawn. */
export function mapAreas(
  boundaries: readonly Boundary[],
  labelsOf: (township: string) => Labels,
  values: ReadonlyMap<string, Dec | undefined>,
): MapArea[] {
  return boundaries.map((b) => ({
    township: b.township,
    labels: labelsOf(b.township),
    geometry: b.geometry,
    value: values.get(b.township),
  }));
}

/** The comparison page's map: a choropleth when boundaries exist, else the treemap (示意图). */
export function comparisonMap(
  report: ComparisonReport,
  boundaries: readonly Boundary[],
  labelsOf: (township: string) => Labels,
  option: string,
  lang: Lang,
  highlight?: string,
): string {
  if (!boundaries.length) return townshipMap(mapCellsOf(report), { lang, highlight });
  const f = mapFigures(report, option);
  return choropleth(mapAreas(boundaries, labelsOf, f.values), {
    indicator: f.indicator,
    unit: f.unit,
    lang,
    highlight,
  });
}

/**
 * Results per township as GeoJSON for a GIS (QGIS opens it): each township's boundary with every figure of
 * the comparison as an attribute — the indicator row (GEP and net GEP in 元, area km², population, per km²,
 * per capita, GEP/GDP, GEEP terms…) and each product's value (元, `product_<id>`). Numbers are the unrounded
 * figures as JSON numbers (a GIS reads doubles); the names are given in both languages.
 */
export function townshipGeoJson(
  report: ComparisonReport,
  boundaries: readonly Boundary[],
  labelsOf: (township: string) => Labels,
  meta: { year: number; set: string },
) {
  const rows = new Map(report.indicators.filter((r) => !r.isTotal).map((r) => [r.id, r]));
  const townshipIndex = new Map(report.productMatrix.townships.map((t, i) => [t.id, i]));
  const isDec = (v: unknown): v is Dec =>
    typeof v === 'object' && v !== null && typeof (v as Dec).toNumber === 'function' && 'd' in (v as object);
  return {
    type: 'FeatureCollection' as const,
    name: `gep-townships-${meta.year}`,
    features: boundaries.map((b) => {
      const row = rows.get(b.township);
      const figures: Record<string, number | null> = {};
      if (row) for (const [k, v] of Object.entries(row)) if (isDec(v)) figures[k] = v.toNumber();
      const i = townshipIndex.get(b.township);
      report.productMatrix.products.forEach((p, j) => {
        figures[`product_${p.id}`] = i === undefined ? null : report.productMatrix.values[i]![j]!.toNumber();
      });
      return {
        type: 'Feature' as const,
        properties: {
          township: b.township,
          name_zh: labelsOf(b.township).zh,
          name_en: labelsOf(b.township).en,
          year: meta.year,
          coefficient_set: meta.set,
          ...figures,
        },
        geometry: b.geometry,
      };
    }),
  };
}

/** A township's figure for figureMap: its names, its area (the schematic's cell size) and the figure. */
export interface TownshipFigure {
  readonly township: string;
  readonly labels: Labels;
  readonly areaKm2: Dec;
  readonly value?: Dec;
  readonly detail?: Labels;
}

/**
 * Any per-township figure (an assessment score, a scenario's ΔGEP…) as a map: a choropleth on the boundaries
 * when they are loaded (townships without a figure grey), else the treemap, titled 示意图.
 */
export function figureMap(
  boundaries: readonly Boundary[],
  figures: readonly TownshipFigure[],
  spec: { indicator: Labels; unit: DisplayUnitId; lang: Lang; id?: string },
): string {
  const byId = new Map(figures.map((f) => [f.township, f]));
  if (!boundaries.length)
    return townshipMap(figures, { lang: spec.lang, figure: { indicator: spec.indicator, unit: spec.unit } });
  return choropleth(
    boundaries.map((b) => ({
      township: b.township,
      labels: byId.get(b.township)?.labels ?? { zh: b.township, en: b.township },
      geometry: b.geometry,
      value: byId.get(b.township)?.value,
      detail: byId.get(b.township)?.detail,
    })),
    { indicator: spec.indicator, unit: spec.unit, lang: spec.lang },
  );
}
