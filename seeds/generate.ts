/**
 * Generates the synthetic sample data set (示例数据) for Minhou County (闽侯县), Fuzhou, Fujian:
 * 15 township-level divisions, survey years 2020 and 2021, every input of the gep-functional
 * coefficient set, and the 2020→2021 land-use transition matrices.
 *
 * The figures are invented: plausible magnitudes for a subtropical hilly county on the Min River,
 * NOT official statistics. The output is deterministic (a seeded mulberry32 PRNG per township);
 * run `npx tsx seeds/generate.ts` to rewrite seeds/minhou/dataset.json.
 *
 * Areas are generated in integer hundredths of a hectare, so every township's land-use areas add
 * up exactly to its area and every transition matrix's rows and columns add up exactly to the
 * opening and closing areas.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../src/paths.js';

export const SEED = 20211231;
export const YEARS = [2020, 2021] as const;
type Year = (typeof YEARS)[number];

/** The 13 land classes of coefficients/gep-functional (landClasses:), in catalogue order. */
export const LAND_CLASSES = [
  'forest_broadleaf',
  'forest_coniferous',
  'forest_mixed',
  'bamboo',
  'shrub',
  'orchard_tea',
  'grassland',
  'paddy',
  'dry_farmland',
  'wetland',
  'water',
  'built_up',
  'bare',
] as const;
type LandClass = (typeof LAND_CLASSES)[number];
type PerClass<T> = Record<LandClass, T>;

// ---------------------------------------------------------------- deterministic randomness

/** mulberry32: a small 32-bit PRNG, uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a hash of a string, to give each township its own stream. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

interface Rng {
  /** uniform in [lo, hi) */
  between(lo: number, hi: number): number;
  /** 1 ± spread, uniform */
  jitter(spread: number): number;
}

function rngFor(key: string): Rng {
  const next = mulberry32(SEED ^ hash32(key));
  return {
    between: (lo, hi) => lo + (hi - lo) * next(),
    jitter: (spread) => 1 + spread * (2 * next() - 1),
  };
}

// ---------------------------------------------------------------- formatting

/** A decimal string with a fixed number of decimals (never exponent notation, never "-0"). */
function fixed(x: number, decimals: number): string {
  if (!Number.isFinite(x) || x < 0) throw new Error(`seed value ${x} is not a finite non-negative number`);
  return x.toFixed(decimals);
}

/** Hundredths of a hectare as "1234.56". */
function cents(c: number): string {
  if (!Number.isSafeInteger(c) || c < 0)
    throw new Error(`area ${c} is not a non-negative whole number of 0.01 hm²`);
  return `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;
}

const perClass = <T, U>(m: PerClass<T>, f: (v: T, cls: LandClass) => U): PerClass<U> =>
  Object.fromEntries(LAND_CLASSES.map((c) => [c, f(m[c], c)])) as PerClass<U>;

// ---------------------------------------------------------------- townships

type Kind = 'subdistrict' | 'town' | 'township';

interface TownshipSpec {
  id: string;
  zh: string;
  en: string;
  kind: Kind;
  /** km², two decimals */
  areaKm2: string;
  /** 0 = Min River plain, 1 = high hills (wetter, cooler, steeper, more forest, small hydro) */
  hill: number;
  /** 0 = rural, 1 = industrial park (emissions, industrial water) */
  industry: number;
  /** Land-use shares (normalised), in LAND_CLASSES order. */
  shares: readonly number[];
  population: number;
  /** Share of county GDP (relative weight). */
  gdpWeight: number;
  /** Visits to natural sites in 2020, 万人次. */
  visits: number;
  /** Housing stock benefiting from ecological landscapes, 万m² (the year's transactions are a share of it). */
  housing: number;
  /** Small hydropower in an average year, 万kWh. */
  hydro: number;
  /** Biomass power, 万kWh. */
  biomass: number;
  /** Total reservoir storage capacity, 万m³. */
  reservoir: number;
  /** Lake area, km² (one lake; the county's small urban lakes are left at 0, see lakeArea). */
  lake: number;
  /** Tidal river bank protected by salt marsh along the Wulong River (乌龙江) reach, m. */
  coast: number;
  /** Share of fruit in orchard/tea land (the rest is tea). */
  fruitShare: number;
  /** Share of water withdrawn from the Min River (upstream inflow: value from outside the region). */
  minRiverShare: number;
  /** Urbanisation rate 2020→2021 (scales conversions to built-up land). */
  urbanisation: number;
  /** Afforestation rate 2020→2021. */
  afforestation: number;
}

/** 行政区划代码 of Minhou's townships (county 350121; subdistrict 001, towns 100–107, townships 200–205, the
 * structure of the NBS 统计用区划代码). The sample's land use and surveys are synthetic; these codes only let the
 * sample's survey layers (ZLDWDM) and imports name townships as a real county's would. */
const ADMIN_CODES: Readonly<Record<string, string>> = {
  ganzhe: '350121001',
  baisha: '350121100',
  nanyu: '350121101',
  shanggan: '350121102',
  xiangqian: '350121103',
  qingkou: '350121104',
  nantong: '350121105',
  shangjie: '350121106',
  jingxi: '350121107',
  zhuqi: '350121200',
  hongwei: '350121201',
  yangli: '350121202',
  dahu: '350121203',
  tingping: '350121204',
  xiaoruo: '350121205',
};

/** The townships; `shares` in LAND_CLASSES order (broadleaf, coniferous, mixed, bamboo, shrub, orchard/tea,
 * grassland, paddy, dry farmland, wetland, water, built-up, bare). */
const TOWNSHIPS: readonly TownshipSpec[] = [
  {
    id: 'ganzhe',
    zh: '甘蔗街道',
    en: 'Ganzhe Subdistrict',
    kind: 'subdistrict',
    areaKm2: '98.40',
    hill: 0.2,
    industry: 0.8,
    shares: [0.12, 0.15, 0.09, 0.04, 0.05, 0.06, 0.01, 0.08, 0.03, 0.01, 0.07, 0.29, 0.005],
    population: 120000,
    gdpWeight: 14,
    visits: 25,
    housing: 80,
    hydro: 0,
    biomass: 0,
    reservoir: 120,
    lake: 0.18,
    coast: 0,
    fruitShare: 0.95,
    minRiverShare: 0.6,
    urbanisation: 0.015,
    afforestation: 0.002,
  },
  {
    id: 'baisha',
    zh: '白沙镇',
    en: 'Baisha Town',
    kind: 'town',
    areaKm2: '186.20',
    hill: 0.6,
    industry: 0.4,
    shares: [0.18, 0.26, 0.15, 0.08, 0.06, 0.06, 0.012, 0.06, 0.015, 0.006, 0.045, 0.065, 0.003],
    population: 36000,
    gdpWeight: 4,
    visits: 45,
    housing: 10,
    hydro: 2600,
    biomass: 1500,
    reservoir: 680,
    lake: 0,
    coast: 0,
    fruitShare: 0.85,
    minRiverShare: 0.5,
    urbanisation: 0.005,
    afforestation: 0.003,
  },
  {
    id: 'nanyu',
    zh: '南屿镇',
    en: 'Nanyu Town',
    kind: 'town',
    areaKm2: '178.60',
    hill: 0.35,
    industry: 0.7,
    shares: [0.17, 0.19, 0.13, 0.04, 0.05, 0.07, 0.01, 0.07, 0.03, 0.008, 0.04, 0.19, 0.004],
    population: 110000,
    gdpWeight: 12,
    visits: 120,
    housing: 90,
    hydro: 600,
    biomass: 0,
    reservoir: 900,
    lake: 0.62,
    coast: 0,
    fruitShare: 0.9,
    minRiverShare: 0.6,
    urbanisation: 0.02,
    afforestation: 0.002,
  },
  {
    id: 'shanggan',
    zh: '尚干镇',
    en: 'Shanggan Town',
    kind: 'town',
    areaKm2: '76.50',
    hill: 0.15,
    industry: 0.7,
    shares: [0.11, 0.14, 0.09, 0.02, 0.05, 0.08, 0.01, 0.1, 0.04, 0.025, 0.09, 0.24, 0.005],
    population: 56000,
    gdpWeight: 6,
    visits: 30,
    housing: 20,
    hydro: 0,
    biomass: 0,
    reservoir: 150,
    lake: 0,
    coast: 2600,
    fruitShare: 0.95,
    minRiverShare: 0.7,
    urbanisation: 0.012,
    afforestation: 0.002,
  },
  {
    id: 'xiangqian',
    zh: '祥谦镇',
    en: 'Xiangqian Town',
    kind: 'town',
    areaKm2: '78.30',
    hill: 0.15,
    industry: 0.95,
    shares: [0.1, 0.13, 0.08, 0.02, 0.05, 0.07, 0.01, 0.1, 0.04, 0.02, 0.08, 0.29, 0.006],
    population: 66000,
    gdpWeight: 9,
    visits: 20,
    housing: 25,
    hydro: 0,
    biomass: 0,
    reservoir: 180,
    lake: 0,
    coast: 1200,
    fruitShare: 0.95,
    minRiverShare: 0.7,
    urbanisation: 0.018,
    afforestation: 0.002,
  },
  {
    id: 'qingkou',
    zh: '青口镇',
    en: 'Qingkou Town',
    kind: 'town',
    areaKm2: '116.40',
    hill: 0.25,
    industry: 1,
    shares: [0.13, 0.17, 0.1, 0.03, 0.05, 0.09, 0.01, 0.09, 0.03, 0.012, 0.06, 0.22, 0.008],
    population: 76000,
    gdpWeight: 13,
    visits: 25,
    housing: 35,
    hydro: 300,
    biomass: 0,
    reservoir: 420,
    lake: 0,
    coast: 800,
    fruitShare: 0.95,
    minRiverShare: 0.6,
    urbanisation: 0.018,
    afforestation: 0.002,
  },
  {
    id: 'nantong',
    zh: '南通镇',
    en: 'Nantong Town',
    kind: 'town',
    areaKm2: '66.80',
    hill: 0.15,
    industry: 0.6,
    shares: [0.11, 0.14, 0.08, 0.03, 0.05, 0.08, 0.01, 0.11, 0.06, 0.015, 0.08, 0.21, 0.005],
    population: 55000,
    gdpWeight: 6.5,
    visits: 35,
    housing: 30,
    hydro: 0,
    biomass: 0,
    reservoir: 230,
    lake: 0,
    coast: 0,
    fruitShare: 0.95,
    minRiverShare: 0.7,
    urbanisation: 0.015,
    afforestation: 0.002,
  },
  {
    id: 'shangjie',
    zh: '上街镇',
    en: 'Shangjie Town',
    kind: 'town',
    areaKm2: '84.70',
    hill: 0.15,
    industry: 0.6,
    shares: [0.1, 0.1, 0.07, 0.02, 0.04, 0.04, 0.012, 0.04, 0.02, 0.01, 0.07, 0.47, 0.006],
    population: 230000,
    gdpWeight: 20,
    visits: 60,
    housing: 150,
    hydro: 0,
    biomass: 0,
    reservoir: 260,
    lake: 0.35,
    coast: 0,
    fruitShare: 0.95,
    minRiverShare: 0.7,
    urbanisation: 0.025,
    afforestation: 0.002,
  },
  {
    id: 'jingxi',
    zh: '荆溪镇',
    en: 'Jingxi Town',
    kind: 'town',
    areaKm2: '128.90',
    hill: 0.35,
    industry: 0.6,
    shares: [0.16, 0.2, 0.12, 0.05, 0.06, 0.06, 0.012, 0.06, 0.02, 0.005, 0.035, 0.17, 0.004],
    population: 60000,
    gdpWeight: 6,
    visits: 40,
    housing: 25,
    hydro: 200,
    biomass: 600,
    reservoir: 520,
    lake: 0,
    coast: 0,
    fruitShare: 0.85,
    minRiverShare: 0.5,
    urbanisation: 0.012,
    afforestation: 0.002,
  },
  {
    id: 'zhuqi',
    zh: '竹岐乡',
    en: 'Zhuqi Township',
    kind: 'township',
    areaKm2: '85.30',
    hill: 0.45,
    industry: 0.3,
    shares: [0.18, 0.22, 0.13, 0.07, 0.06, 0.08, 0.012, 0.07, 0.02, 0.008, 0.06, 0.08, 0.003],
    population: 26000,
    gdpWeight: 2.2,
    visits: 18,
    housing: 5,
    hydro: 0,
    biomass: 0,
    reservoir: 240,
    lake: 0,
    coast: 0,
    fruitShare: 0.9,
    minRiverShare: 0.6,
    urbanisation: 0.006,
    afforestation: 0.003,
  },
  {
    id: 'hongwei',
    zh: '鸿尾乡',
    en: 'Hongwei Township',
    kind: 'township',
    areaKm2: '214.60',
    hill: 0.8,
    industry: 0.5,
    shares: [0.18, 0.3, 0.16, 0.09, 0.07, 0.04, 0.015, 0.06, 0.012, 0.002, 0.02, 0.038, 0.005],
    population: 18000,
    gdpWeight: 2.5,
    visits: 12,
    housing: 3,
    hydro: 3800,
    biomass: 300,
    reservoir: 1350,
    lake: 0,
    coast: 0,
    fruitShare: 0.7,
    minRiverShare: 0,
    urbanisation: 0.003,
    afforestation: 0.004,
  },
  {
    id: 'yangli',
    zh: '洋里乡',
    en: 'Yangli Township',
    kind: 'township',
    areaKm2: '188.40',
    hill: 0.9,
    industry: 0.15,
    shares: [0.2, 0.31, 0.16, 0.1, 0.06, 0.045, 0.012, 0.055, 0.01, 0.001, 0.016, 0.02, 0.002],
    population: 12000,
    gdpWeight: 1,
    visits: 10,
    housing: 1.5,
    hydro: 4200,
    biomass: 0,
    reservoir: 1600,
    lake: 0,
    coast: 0,
    fruitShare: 0.6,
    minRiverShare: 0,
    urbanisation: 0.002,
    afforestation: 0.004,
  },
  {
    id: 'dahu',
    zh: '大湖乡',
    en: 'Dahu Township',
    kind: 'township',
    areaKm2: '276.50',
    hill: 0.95,
    industry: 0.15,
    shares: [0.21, 0.29, 0.17, 0.08, 0.06, 0.05, 0.013, 0.06, 0.012, 0.002, 0.02, 0.022, 0.003],
    population: 15000,
    gdpWeight: 1.3,
    visits: 35,
    housing: 2,
    hydro: 6800,
    biomass: 0,
    reservoir: 2800,
    lake: 0,
    coast: 0,
    fruitShare: 0.55,
    minRiverShare: 0,
    urbanisation: 0.002,
    afforestation: 0.004,
  },
  {
    id: 'tingping',
    zh: '廷坪乡',
    en: 'Tingping Township',
    kind: 'township',
    areaKm2: '218.30',
    hill: 1,
    industry: 0.1,
    shares: [0.22, 0.3, 0.18, 0.09, 0.06, 0.03, 0.012, 0.055, 0.01, 0.001, 0.012, 0.018, 0.002],
    population: 10000,
    gdpWeight: 0.9,
    visits: 15,
    housing: 1,
    hydro: 5200,
    biomass: 0,
    reservoir: 2100,
    lake: 0,
    coast: 0,
    fruitShare: 0.6,
    minRiverShare: 0,
    urbanisation: 0.002,
    afforestation: 0.004,
  },
  {
    id: 'xiaoruo',
    zh: '小箬乡',
    en: 'Xiaoruo Township',
    kind: 'township',
    areaKm2: '138.10',
    hill: 0.75,
    industry: 0.15,
    shares: [0.2, 0.28, 0.17, 0.09, 0.07, 0.05, 0.015, 0.04, 0.01, 0.004, 0.045, 0.025, 0.002],
    population: 8000,
    gdpWeight: 0.7,
    visits: 8,
    housing: 1,
    hydro: 1500,
    biomass: 0,
    reservoir: 450,
    lake: 0,
    coast: 0,
    fruitShare: 0.75,
    minRiverShare: 0.4,
    urbanisation: 0.002,
    afforestation: 0.004,
  },
];

export const REGION_AREA_KM2 = '2136.00';
/** Mean annual flow of the Min River entering the county, 万m³ (≈ 540 亿m³). */
const MIN_RIVER_INFLOW_WAN_M3 = 5_400_000;

/**
 * The small urban lakes (≤ 1 km²) are kept out of flood regulation: the only lake model in the set is the
 * Qinghai–Tibet regression, which gives them storage depths of several metres. Their storage belongs to the
 * reservoirs and river channel, counted elsewhere.
 */
const lakeArea = (t: TownshipSpec) => (t.lake > 1 ? t.lake : 0);
/** County GDP 2020 (万元): about 830 亿元; 2021 comes out near 900 亿元 after township growth. */
const COUNTY_GDP_2020 = 8_300_000;

// ---------------------------------------------------------------- land use and transitions

/** Splits `total` whole units in proportion to `weights`; largest remainders take the leftover units. */
function apportion(total: number, weights: readonly number[]): number[] {
  const w = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((x) => (total * x) / w);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact
    .map((x, i) => [x - Math.floor(x), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    out[i]! += 1;
    left--;
  }
  return out;
}

const km2ToCents = (km2: string): number => {
  const [int = '0', frac = ''] = km2.split('.');
  // 1 km² = 100 hm² = 10 000 hundredths of a hectare
  return Number(int) * 10000 + Number(frac.padEnd(2, '0').slice(0, 2)) * 100;
};

/** Conversions 2020→2021 as (from, to, share of the from-class area), scaled by the township's rates. */
function conversions(t: TownshipSpec): [LandClass, LandClass, number][] {
  const u = t.urbanisation;
  const a = t.afforestation;
  return [
    // urban expansion
    ['paddy', 'built_up', u],
    ['dry_farmland', 'built_up', 1.2 * u],
    ['orchard_tea', 'built_up', 0.8 * u],
    ['grassland', 'built_up', u],
    ['shrub', 'built_up', 0.4 * u],
    ['forest_broadleaf', 'built_up', 0.1 * u],
    ['forest_coniferous', 'built_up', 0.15 * u],
    ['bare', 'built_up', 3 * u],
    ['wetland', 'built_up', 0.2 * u],
    // afforestation and forest improvement (conifer plantations replanted as mixed forest)
    ['bare', 'forest_mixed', 10 * a],
    ['grassland', 'forest_broadleaf', 3 * a],
    ['shrub', 'forest_mixed', a],
    ['forest_coniferous', 'forest_mixed', 0.5 * a],
    ['dry_farmland', 'orchard_tea', a],
  ];
}

interface LandUse {
  /** year → class → hundredths of a hectare */
  area: Record<Year, PerClass<number>>;
  /** from → to → hundredths of a hectare */
  flows: PerClass<PerClass<number>>;
}

function landUse(t: TownshipSpec, rng: Rng): LandUse {
  const weights = t.shares.map((s) => s * rng.jitter(0.08));
  const a2020 = apportion(km2ToCents(t.areaKm2), weights);
  const open = Object.fromEntries(LAND_CLASSES.map((c, i) => [c, a2020[i]!])) as PerClass<number>;
  const flows = perClass(open, () => perClass(open, () => 0));
  const out = perClass(open, () => 0);
  for (const [from, to, share] of conversions(t)) {
    const f = Math.round(open[from] * share * rng.jitter(0.25));
    flows[from][to] += f;
    out[from] += f;
  }
  for (const c of LAND_CLASSES) {
    if (out[c] > open[c]) throw new Error(`${t.id}: conversions out of ${c} exceed its area`);
    flows[c][c] = open[c] - out[c];
  }
  const close = perClass(open, (_, to) => LAND_CLASSES.reduce((s, from) => s + flows[from][to], 0));
  return { area: { 2020: open, 2021: close }, flows };
}

// ---------------------------------------------------------------- records

type Values = Record<string, string | Record<string, string>>;

const ha = (c: number) => c / 100;

function records(t: TownshipSpec, land: LandUse, rng: Rng, gdp: Record<Year, number>): Record<Year, Values> {
  const h = t.hill;
  const km2 = Number(t.areaKm2);
  // fixed per township (terrain, soil, yields), drawn once
  const soilK = rng.between(0.03, 0.035);
  // LS as a township mean per land class: with R ≈ 5,500–8,800 MJ·mm/(hm²·h·a) and K ≈ 0.033 the retained soil
  // (R·K·LS·(1 − C·P)) comes out at ≈ 100–300 t/(hm²·a) for the county, the range of published county means
  const ls: PerClass<number> = {
    forest_broadleaf: 0.6 + 0.8 * h + rng.between(0, 0.2),
    forest_coniferous: 0.6 + 0.8 * h + rng.between(0, 0.2),
    forest_mixed: 0.6 + 0.8 * h + rng.between(0, 0.2),
    bamboo: 0.5 + 0.8 * h + rng.between(0, 0.2),
    shrub: 0.6 + 0.8 * h + rng.between(0, 0.15),
    orchard_tea: 0.4 + 0.4 * h + rng.between(0, 0.1),
    grassland: 0.4 + 0.5 * h + rng.between(0, 0.1),
    paddy: 0.15 + 0.15 * h + rng.between(0, 0.05),
    dry_farmland: 0.2 + 0.2 * h + rng.between(0, 0.05),
    wetland: 0.05 + rng.between(0, 0.03),
    water: 0.05 + rng.between(0, 0.02),
    built_up: 0.1 + 0.1 * h + rng.between(0, 0.05),
    bare: 0.5 + 0.8 * h + rng.between(0, 0.2),
  };
  const etBase: PerClass<number> = {
    forest_broadleaf: rng.between(830, 870),
    forest_coniferous: rng.between(760, 800),
    forest_mixed: rng.between(800, 840),
    bamboo: rng.between(780, 820),
    shrub: rng.between(680, 720),
    orchard_tea: rng.between(700, 740),
    grassland: rng.between(580, 615),
    paddy: rng.between(760, 790),
    dry_farmland: rng.between(650, 685),
    wetland: rng.between(950, 1030),
    water: rng.between(1000, 1080),
    built_up: rng.between(280, 310),
    bare: rng.between(380, 415),
  };
  const precip2020 = 1420 + 280 * h + rng.between(0, 50);
  const precip2021 = Math.max(1350, precip2020 * rng.between(0.95, 0.98));
  const precip: Record<Year, number> = { 2020: precip2020, 2021: precip2021 };
  // days with a daily mean above 26 °C: ≈ 100 on the Min River plain, fewer in the cooler hills
  const hot2020 = Math.round(102 - 30 * h + rng.between(0, 4));
  // open-water evaporation (not pan readings), mm/a
  const evap2020 = 1080 - 160 * h + rng.between(0, 30);
  const erosivity2020 = 5500 + 2800 * h + rng.between(0, 500);
  const grainYield = rng.between(4.6, 5.6); // t per hm² of paddy per year (not all paddy is double-cropped)
  const vegYield = rng.between(35, 45);
  const fruitYield = rng.between(9, 13);
  const teaYield = rng.between(0.8, 1.1);
  const timberRate = h >= 0.5 ? rng.between(1.2, 1.6) : rng.between(0.3, 0.6);
  const bambooYield = rng.between(7, 10);
  const livestock = rng.between(0.8, 1.2);
  const stockDensity = (h >= 0.5 ? 100 : 65) * rng.between(0.95, 1.05);
  const waterPerCapita = rng.between(60, 70);
  const industrialWaterIntensity = rng.between(8, 11);
  const runoffRatio = 0.52 + 0.06 * h * rng.between(0.8, 1.2);
  const so2Base = (12 + 260 * t.industry) * rng.jitter(0.1);
  const noxRatio = rng.between(1.8, 2.6);
  const dustRatio = rng.between(0.9, 1.4);
  const windRate = rng.between(0.8, 1.6);
  const pollutionRate = 0.003 + 0.002 * t.industry;
  const damagePerKm2 = rng.between(2, 4);
  const restorationPerHm2 = rng.between(4, 6);

  const out = {} as Record<Year, Values>;
  for (const year of YEARS) {
    const a = perClass(land.area[year], ha);
    const y1 = year === 2021;
    const p = precip[year];
    const forest = a.forest_broadleaf + a.forest_coniferous + a.forest_mixed;
    const farmland = a.paddy + a.dry_farmland + a.orchard_tea;
    const population = Math.round(
      t.population * (y1 ? (h >= 0.5 ? rng.between(0.985, 0.995) : rng.between(1.006, 1.012)) : 1),
    );
    const g = gdp[year];
    const so2 = so2Base * (y1 ? rng.between(0.92, 0.97) : 1);
    const cod =
      (population * 0.008 + (a.paddy + a.dry_farmland) * 0.02 + 300 * t.industry) *
      rng.jitter(0.05) *
      (y1 ? 0.95 : 1);
    const domestic = population * waterPerCapita * rng.jitter(0.02);
    const industrial = g * t.industry * industrialWaterIntensity * rng.jitter(0.03);
    const agricultural =
      (a.paddy * 7500 + a.dry_farmland * 3500 + a.orchard_tea * 1800) * (y1 ? 1.04 : 1) * rng.jitter(0.03);
    const dryYear = y1 ? rng.between(0.86, 0.92) : 1; // 2021 was drier: less hydropower

    out[year] = {
      land_area: perClass(land.area[year], cents),
      precipitation: fixed(p, 1),
      evapotranspiration: perClass(etBase, (v) => fixed(v * rng.jitter(0.015), 1)),
      hot_days: fixed(hot2020 + (y1 ? Math.round(rng.between(2, 5)) : 0), 0),
      water_surface_evaporation: fixed(evap2020 * (y1 ? 1.02 : 1), 1),
      reservoir_total_storage: fixed(t.reservoir, 2),
      lake_area: fixed(lakeArea(t), 2),
      rainfall_erosivity: fixed(Math.max(5000, erosivity2020 * (p / precip2020) ** 1.2), 1),
      soil_erodibility: fixed(soilK, 4),
      slope_length_factor: perClass(ls, (v) => fixed(v, 2)),
      wind_erosion_prevented: fixed((a.dry_farmland + a.grassland + a.bare + a.wetland) * windRate, 1),
      so2_emission: fixed(so2, 2),
      nox_emission: fixed(so2 * noxRatio + population * 0.0008, 2),
      dust_emission: fixed(so2 * dustRatio, 2),
      cod_emission: fixed(cod, 2),
      nh3n_emission: fixed(cod * rng.between(0.09, 0.11), 2),
      tp_emission: fixed(cod * rng.between(0.013, 0.017), 2),
      grain_output: fixed((a.paddy * grainYield + a.dry_farmland * 2) * rng.jitter(0.02), 1),
      vegetable_output: fixed((a.dry_farmland * vegYield + a.paddy * 8) * rng.jitter(0.03), 1),
      fruit_output: fixed(a.orchard_tea * t.fruitShare * fruitYield * rng.jitter(0.05), 1),
      tea_output: fixed(a.orchard_tea * (1 - t.fruitShare) * teaYield * rng.jitter(0.05), 1),
      timber_output: fixed((a.forest_coniferous + a.forest_mixed) * timberRate * rng.jitter(0.08), 1),
      bamboo_output: fixed(a.bamboo * bambooYield * rng.jitter(0.05), 1),
      meat_output: fixed(farmland * 0.9 * livestock * rng.jitter(0.03), 1),
      egg_output: fixed(farmland * 0.25 * livestock * rng.jitter(0.03), 1),
      aquatic_output: fixed((a.water * (h >= 0.5 ? 1.5 : 4) + a.wetland * 2) * rng.jitter(0.04), 1),
      domestic_water_use: fixed(domestic, 0),
      industrial_water_use: fixed(industrial, 0),
      agricultural_water_use: fixed(agricultural, 0),
      hydropower_generation: fixed(t.hydro * 10000 * (p / 1600) * dryYear, 0),
      biomass_energy: fixed(t.biomass * 10000 * rng.jitter(0.05), 0),
      tourist_visits: fixed(t.visits * 10000 * (y1 ? rng.between(1.12, 1.25) : 1), 0),
      // the year's transactions: ≈ 4–6 % of the benefiting housing stock changes hands
      landscape_housing_area: fixed(
        t.housing * 10000 * rng.between(0.04, 0.06) * (y1 ? rng.between(1.03, 1.06) : 1),
        0,
      ),
      coast_length_protected: fixed(t.coast, 0),
      gdp: fixed(g, 2),
      resident_population: fixed(population, 0),
      pollution_cost: fixed(g * pollutionRate * rng.jitter(0.1), 2),
      ecological_damage_cost: fixed((g * 0.0006 + km2 * damagePerKm2) * rng.jitter(0.1), 2),
      // the Min River's flow entering the county (≈ 540 亿m³/a at Zhuqi) for the townships that draw on it
      upstream_inflow: fixed(t.minRiverShare > 0 ? MIN_RIVER_INFLOW_WAN_M3 * (y1 ? 0.9 : 1) : 0, 0),
      electricity_consumption: fixed(g * 10000 * (0.035 + 0.06 * t.industry) * rng.jitter(0.05), 0),
      // upstream water is deducted by the method (upstream_inflow); no other outside value in the sample
      out_of_region_value: fixed(0, 2),
      forest_stock_volume: fixed(forest * stockDensity * (y1 ? 1.025 : 1), 0),
      water_resources_total: fixed(km2 * p * runoffRatio * 0.1, 2),
      // outstanding restoration obligation: bare and eroded land at ≈ 4–6 万元/hm², less what the year restored
      restoration_cost_stock: fixed(a.bare * restorationPerHm2 * (y1 ? 0.96 : 1), 2),
    };
  }
  return out;
}

// ---------------------------------------------------------------- the data set

export function buildDataset() {
  const regionCents = km2ToCents(REGION_AREA_KM2);
  const sumCents = TOWNSHIPS.reduce((s, t) => s + km2ToCents(t.areaKm2), 0);
  if (sumCents !== regionCents)
    throw new Error(`township areas add up to ${(sumCents / 10000).toFixed(2)} km², not ${REGION_AREA_KM2}`);

  const weightSum = TOWNSHIPS.reduce((s, t) => s + t.gdpWeight, 0);
  const growth = rngFor('county-gdp');
  const gdp = new Map(
    TOWNSHIPS.map((t) => {
      const g2020 = (COUNTY_GDP_2020 * t.gdpWeight) / weightSum;
      return [t.id, { 2020: g2020, 2021: g2020 * (growth.between(1.06, 1.1) + 0.02 * t.industry) }] as const;
    }),
  );

  const recs: { township: string; year: number; values: Values }[] = [];
  const transitions: unknown[] = [];
  for (const t of TOWNSHIPS) {
    const rng = rngFor(t.id);
    const land = landUse(t, rng);
    const byYear = records(t, land, rng, gdp.get(t.id)!);
    for (const year of YEARS) recs.push({ township: t.id, year, values: byYear[year] });
    transitions.push({
      township: t.id,
      fromYear: 2020,
      toYear: 2021,
      unit: 'hm2',
      matrix: perClass(land.flows, (row) => perClass(row, cents)),
    });
  }
  recs.sort((a, b) => a.year - b.year);

  return {
    format: 'gep-ledger/dataset@1' as const,
    region: {
      id: 'minhou',
      labels: { zh: '闽侯县', en: 'Minhou County' },
      sample: true,
      areaKm2: REGION_AREA_KM2,
      adminCode: '350121',
    },
    townships: TOWNSHIPS.map((t) => ({
      id: t.id,
      labels: { zh: t.zh, en: t.en },
      kind: t.kind,
      areaKm2: t.areaKm2,
      adminCode: ADMIN_CODES[t.id],
    })),
    records: recs,
    transitions,
  };
}

export const DATASET_PATH = join(ROOT, 'seeds/minhou/dataset.json');

export const datasetText = () => JSON.stringify(buildDataset(), null, 2) + '\n';

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  mkdirSync(dirname(DATASET_PATH), { recursive: true });
  writeFileSync(DATASET_PATH, datasetText());
  console.log(`wrote ${DATASET_PATH}`);
}
