import { parseDecimal, type Dec } from './decimal.js';
import { TOWNSHIP_AREA_KM2, type InputIssue } from './inputs.js';

/**
 * A county's townships as an administrator enters them (a form or a file): one validation for both, every
 * problem at once, naming the row and field. Rows match registered townships by 行政区划代码, then by id, then
 * by Chinese name; the others are new.
 */
export type TownshipKind = 'subdistrict' | 'town' | 'township';

export interface TownshipRow {
  /** The id when an existing township is edited from its page; blank for a row of a file or a new one. */
  id?: unknown;
  nameZh?: unknown;
  nameEn?: unknown;
  adminCode?: unknown;
  kind?: unknown;
  areaKm2?: unknown;
  /** Where the row came from, for messages (row 2 is the first data row of a file). */
  row?: number;
}

export interface TownshipSpec {
  id: string;
  nameZh: string;
  nameEn: string;
  /** null only for a township registered before codes were kept, edited without giving one. */
  adminCode: string | null;
  kind: TownshipKind;
  areaKm2: Dec;
}

export interface RegisteredTownship {
  id: string;
  name_zh: string;
  name_en: string;
  admin_code: string | null;
  kind: string;
  area_km2: string;
}

export interface TownshipChange {
  action: 'create' | 'update' | 'unchanged';
  row?: number;
  after: TownshipSpec;
  before?: RegisteredTownship;
}

const KINDS: Record<string, TownshipKind> = {
  街道: 'subdistrict',
  街道办事处: 'subdistrict',
  subdistrict: 'subdistrict',
  镇: 'town',
  town: 'town',
  乡: 'township',
  民族乡: 'township',
  township: 'township',
};

export const KIND_LABELS: Record<TownshipKind, { zh: string; en: string }> = {
  subdistrict: { zh: '街道', en: 'Subdistrict' },
  town: { zh: '镇', en: 'Town' },
  township: { zh: '乡', en: 'Township' },
};

const text = (x: unknown) => (x === undefined || x === null ? '' : String(x).trim());

/** A readable id for a new township: its English name in lower case (Ganzhe Subdistrict → ganzhe), else t + code. */
export function townshipId(nameEn: string, adminCode: string, taken: ReadonlySet<string>): string {
  const base = nameEn
    .toLowerCase()
    .replace(/\b(subdistrict|town|township|ethnic)\b/g, '')
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  const first = /^[a-z]/.test(base) && base.length <= 40 ? base : `t${adminCode}`;
  let id = first;
  for (let n = 2; taken.has(id); n++) id = `${first}_${n}`;
  return id;
}

/**
 * Checks township rows against the registered ones and the county's code (6 digits, when registered): every
 * problem at once, or the plan of creations and updates.
 */
export function planTownships(
  rows: readonly TownshipRow[],
  registered: readonly RegisteredTownship[],
  countyCode?: string | null,
  options: { createOnly?: boolean } = {},
): { changes: TownshipChange[]; issues: InputIssue[] } {
  const issues: InputIssue[] = [];
  const changes: TownshipChange[] = [];
  const byCode = new Map(registered.filter((t) => t.admin_code).map((t) => [t.admin_code!, t]));
  const byId = new Map(registered.map((t) => [t.id, t]));
  const byName = new Map(registered.map((t) => [t.name_zh, t]));
  const taken = new Set(registered.map((t) => t.id));
  const seen = { code: new Map<string, number>(), nameZh: new Map<string, number>() };
  const claimed = new Set<string>();
  rows.forEach((r, i) => {
    const row = r.row ?? i + 1;
    const before = issues.length;
    const add = (field: string, zh: string, en: string) =>
      issues.push({ row: r.row, field, message: { zh, en } });
    const givenId = text(r.id);
    const edited = givenId ? byId.get(givenId) : undefined;
    const nameZh = text(r.nameZh);
    const nameEn = text(r.nameEn);
    // a form of an existing township that does not carry the code or kind keeps them
    const keepCode = text(r.adminCode) === '' && edited !== undefined && !edited.admin_code;
    const adminCode = r.adminCode === undefined && edited ? (edited.admin_code ?? '') : text(r.adminCode);
    const kindText = r.kind === undefined && edited ? edited.kind : text(r.kind);
    const areaText = text(r.areaKm2);
    if (!nameZh) add('nameZh', '缺少中文名称', 'the Chinese name is missing');
    else if (nameZh.length > 40)
      add('nameZh', '中文名称超过 40 个字', 'the Chinese name is longer than 40 characters');
    if (!nameEn) add('nameEn', '缺少英文名称', 'the English name is missing');
    else if (nameEn.length > 80)
      add('nameEn', '英文名称超过 80 个字符', 'the English name is longer than 80 characters');
    if (keepCode) {
      // nothing to check: the township keeps having no code
    } else if (!/^\d{9}$/.test(adminCode))
      add(
        'adminCode',
        `行政区划代码应为 9 位数字（县级 6 位 + 乡级 3 位），收到"${adminCode}"`,
        `the administrative code must be 9 digits (county 6 + township 3); got "${adminCode}"`,
      );
    else if (countyCode && !adminCode.startsWith(countyCode))
      add(
        'adminCode',
        `行政区划代码 ${adminCode} 不以本县代码 ${countyCode} 开头`,
        `the administrative code ${adminCode} does not start with the county's code ${countyCode}`,
      );
    const kind = KINDS[kindText.toLowerCase()] ?? KINDS[kindText];
    if (!kind)
      add(
        'kind',
        `类型应为 街道、镇 或 乡，收到"${kindText}"`,
        `the kind must be subdistrict, town or township; got "${kindText}"`,
      );
    const area = parseDecimal(areaText);
    if (!area || area.lt(TOWNSHIP_AREA_KM2.min) || area.gt(TOWNSHIP_AREA_KM2.max))
      add(
        'areaKm2',
        `面积应为 ${TOWNSHIP_AREA_KM2.min} 至 ${TOWNSHIP_AREA_KM2.max} 之间的数值（km²），收到"${areaText}"`,
        `the area must be a number from ${TOWNSHIP_AREA_KM2.min} to ${TOWNSHIP_AREA_KM2.max} (km²); got "${areaText}"`,
      );
    // the same township twice in one file: both rows named
    for (const [key, value, label] of [
      ['code', adminCode, { zh: '行政区划代码', en: 'administrative code' }],
      ['nameZh', nameZh, { zh: '中文名称', en: 'Chinese name' }],
    ] as const) {
      if (!value) continue;
      const first = seen[key].get(value);
      if (first !== undefined)
        add(
          key === 'code' ? 'adminCode' : 'nameZh',
          `${label.zh}"${value}"与第 ${first} 行重复`,
          `${label.en} "${value}" repeats row ${first}`,
        );
      else seen[key].set(value, row);
    }
    if (givenId && !edited) add('id', `乡镇"${givenId}"不存在`, `no township "${givenId}"`);
    const match = givenId ? byId.get(givenId) : (byCode.get(adminCode) ?? byName.get(nameZh));
    // a code or a name that another registered township holds
    for (const [other, field, label] of [
      [byCode.get(adminCode), 'adminCode', { zh: '行政区划代码', en: 'administrative code' }],
      [byName.get(nameZh), 'nameZh', { zh: '中文名称', en: 'Chinese name' }],
    ] as const)
      if (other && match && (other.id !== match.id || options.createOnly))
        add(
          field,
          `${label.zh}已属于${other.name_zh}`,
          `the ${label.en} already belongs to ${other.name_en}`,
        );
    if (match && claimed.has(match.id))
      add(
        'nameZh',
        `第 ${row} 行与前面的行指向同一乡镇（${match.name_zh}）`,
        `row ${row} names the same township (${match.name_en}) as an earlier row`,
      );
    if (issues.length > before || !kind || !area) return;
    const id = match?.id ?? townshipId(nameEn, adminCode, taken);
    taken.add(id);
    if (match) claimed.add(match.id);
    const after: TownshipSpec = { id, nameZh, nameEn, adminCode: adminCode || null, kind, areaKm2: area };
    const same =
      match &&
      match.name_zh === nameZh &&
      match.name_en === nameEn &&
      match.admin_code === after.adminCode &&
      match.kind === kind &&
      area.eq(match.area_km2);
    changes.push({
      action: !match ? 'create' : same ? 'unchanged' : 'update',
      row: r.row,
      after,
      before: match,
    });
  });
  return { changes, issues };
}
