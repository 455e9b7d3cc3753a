import type { CompiledSet } from '../domain/model.js';
import { displayUnit } from '../domain/units.js';
import { ENTRY_FIELDS, GRADE_LABELS, OWNERSHIP_LABELS, SOURCE_LABELS } from '../domain/register.js';
import type { AuditRow as AuditEvent } from '../store/audit.js';
import type { Lang } from './i18n.js';

type Bilingual = { zh: string; en: string };

/** Audit events as a reader says them: actions and entities in words, names for ids, before → after. */
const ACTIONS: Record<string, [string, string]> = {
  create: ['新建', 'Created'],
  update: ['修改', 'Changed'],
  submit: ['提交审核', 'Submitted for review'],
  approve: ['审核通过', 'Approved'],
  return: ['退回修改', 'Returned'],
  reopen: ['重新打开', 'Reopened'],
  import: ['批量导入', 'Imported'],
  publish: ['发布', 'Published'],
  derive: ['派生新版本', 'Derived a new version'],
  edit_parameters: ['修改参数', 'Edited parameters'],
  load: ['载入', 'Loaded'],
  reload: ['重新载入', 'Reloaded'],
  delete: ['删除', 'Deleted'],
  evidence: ['上传证明材料', 'Uploaded evidence'],
};
const ENTITIES: Record<string, [string, string]> = {
  survey_record: ['填报数据', 'Survey data'],
  transition: ['地类转移矩阵', 'Land-use transitions'],
  import_batch: ['导入批次', 'Import'],
  coefficient_set: ['核算参数集', 'Coefficient set'],
  report: ['核算报告', 'Report'],
  setting: ['设置', 'Setting'],
  user: ['用户', 'User'],
  township: ['乡镇', 'Township'],
  region: ['行政区', 'Region'],
  register_entry: ['生态产品目录条目', 'Register entry'],
  realisation: ['价值实现记录', 'Realisation record'],
  register_list: ['生态产品目录清单', 'List of eco-products'],
  assessment_figure: ['部门考核数据', 'Department figure'],
  fund: ['资金', 'Fund'],
  assessment: ['考核结果', 'Assessment results'],
  allocation: ['资金分配', 'Fund allocation'],
  method_document: ['方法文档', 'Method document'],
  appraisal: ['情景评估', 'Appraisal'],
  scenario: ['情景方案', 'Alternative'],
  scenario_project: ['评估项目', 'Project or plan'],
  tenure_audit: ['离任审计', 'Tenure audit'],
  decisions_sample: ['考核与资金示例数据', 'Assessment and funds sample'],
  township_boundaries: ['乡镇边界', 'Township boundaries'],
};
const STATUS: Record<string, [string, string]> = {
  draft: ['草稿', 'Draft'],
  submitted: ['已提交', 'Submitted'],
  approved: ['已审核', 'Approved'],
  published: ['已发布', 'Published'],
};

const FIELDS: Record<string, [string, string]> = {
  nameZh: ['中文名称', 'Chinese name'],
  nameEn: ['英文名称', 'English name'],
  adminCode: ['行政区划代码', 'Administrative code'],
  kind: ['类型', 'Kind'],
  areaKm2: ['面积（km²）', 'Area (km²)'],
  townships: ['负责乡镇', 'Townships'],
  departments: ['负责责任单位', 'Departments'],
  role: ['角色', 'Role'],
  active: ['启用', 'Active'],
  username: ['用户名', 'Username'],
  displayName: ['姓名', 'Name'],
  sample: ['示例数据', 'Sample data'],
  // other records' fields (imports, transitions, scenarios, audits, boundaries, published reports)
  status: ['状态', 'Status'],
  figures: ['数据条数', 'Figures'],
  records: ['记录数', 'Records'],
  source: ['来源', 'Source'],
  name: ['名称', 'Name'],
  title: ['标题', 'Title'],
  number: ['文号', 'Number'],
  scope: ['范围', 'Scope'],
  startYear: ['起始年份', 'Start year'],
  endYear: ['结束年份', 'End year'],
  year: ['年份', 'Year'],
  configId: ['审计配置', 'Audit configuration'],
  official: ['领导干部', 'Official'],
  rate: ['贴现率', 'Discount rate'],
  horizon: ['评估年限', 'Horizon'],
  setId: ['核算参数集', 'Coefficient set'],
  setVersion: ['参数集版本', 'Set version'],
  profile: ['核算口径', 'Profile'],
  description: ['说明', 'Description'],
  constantPriceYear: ['不变价基年', 'Constant-price year'],
  unit: ['单位', 'Unit'],
  matrix: ['转移矩阵', 'Transition matrix'],
  version: ['版本', 'Version'],
  count: ['条数', 'Count'],
  changes: ['修改项数', 'Changes'],
  hash: ['内容哈希', 'Content hash'],
  amount: ['金额（元）', 'Amount (yuan)'],
  rule: ['分配规则', 'Allocation rule'],
  funds: ['资金数', 'Funds'],
  date: ['日期', 'Date'],
  buyer: ['买方', 'Buyer'],
  seller: ['卖方', 'Seller'],
  terms: ['条款', 'Terms'],
  rights: ['权利', 'Rights'],
  entries: ['目录条目', 'Register entries'],
  product: ['生态产品', 'Eco-product'],
  edits: ['指标修改', 'Input edits'],
};
const FIELD_VALUES: Record<string, [string, string]> = {
  subdistrict: ['街道', 'Subdistrict'],
  town: ['镇', 'Town'],
  township: ['乡', 'Township'],
  admin: ['管理员', 'administrator'],
  editor: ['填报员', 'editor'],
  reviewer: ['审核员', 'reviewer'],
  finance: ['财政人员', 'finance official'],
  assessor: ['考核人员', 'assessor'],
  viewer: ['查阅者', 'viewer'],
  project: ['项目', 'project'],
  plan: ['规划', 'plan'],
  total: ['全县', 'the county'],
  true: ['是', 'yes'],
  false: ['否', 'no'],
};

export interface EventText {
  action: string;
  entity: string;
  /** What the event is about, in names: 甘蔗街道 2022. */
  subject: string;
  /** Field changes in words, or undefined when the event has no field-level values (then `raw` is shown). */
  changes?: string[];
  raw?: { old: string; new: string };
}

export function describeEvent(
  e: AuditEvent,
  lang: Lang,
  set: CompiledSet,
  townshipName: (id: string) => string | undefined,
): EventText {
  const i = lang === 'en' ? 1 : 0;
  const action = ACTIONS[e.action]?.[i] ?? e.action;
  const entity = ENTITIES[e.entity]?.[i] ?? e.entity;
  const key = e.entity_key ?? '';
  const [first, rest] = key.split('/');
  const name = first ? townshipName(first) : undefined;
  // a department figure's key is township|year|figure
  const figure = e.entity === 'assessment_figure' ? key.split('|') : undefined;
  const subject =
    figure && figure.length === 3 && townshipName(figure[0]!)
      ? `${townshipName(figure[0]!)} ${figure[1]} ${figure[2]}`
      : name && ['survey_record', 'transition', 'township'].includes(e.entity)
        ? `${name} ${rest ?? ''}`.trim()
        : e.entity === 'township_boundaries'
          ? words(key.split(','), lang, townshipName)
          : key;
  const blank = lang === 'en' ? '(blank)' : '（空）';
  const sep = lang === 'en' ? ': ' : '：';
  const text = (v: unknown) =>
    v === null || v === undefined ? blank : typeof v === 'string' ? v : JSON.stringify(v);
  const old = (e.old_value ?? {}) as Record<string, unknown>;
  const now = (e.new_value ?? {}) as Record<string, unknown>;
  if (
    ['survey_record', 'register_entry', 'realisation'].includes(e.entity) &&
    ['submit', 'approve', 'return', 'reopen'].includes(e.action)
  ) {
    const s = (v: unknown) => STATUS[String(v)]?.[i] ?? text(v);
    return {
      action,
      entity,
      subject,
      changes: [`${lang === 'en' ? 'Status' : '状态'}${sep}${s(old.status)} → ${s(now.status)}`],
    };
  }
  // a register entry's fields by their names (产品名称, 乡镇 …)
  if (e.entity === 'register_entry' && (e.action === 'create' || e.action === 'update')) {
    const fields = ENTRY_FIELDS as Record<string, { zh: string; en: string }>;
    // coded values in words: township and product by name, grade, ownership and source by their labels
    const coded: Record<string, (v: string) => string | undefined> = {
      township: (v) => townshipName(v),
      product: (v) => set.products.find((p) => p.id === v)?.labels[lang],
      component: (v) => set.components.find((c) => c.id === v)?.labels[lang],
      grade: (v) => (GRADE_LABELS as Record<string, Bilingual>)[v]?.[lang],
      ownership: (v) => (OWNERSHIP_LABELS as Record<string, Bilingual>)[v]?.[lang],
      source: (v) => (SOURCE_LABELS as Record<string, Bilingual>)[v]?.[lang],
    };
    const value = (f: string, v: unknown) =>
      (typeof v === 'string' && coded[f]?.(v)) ||
      (typeof v === 'boolean' ? FIELD_VALUES[String(v)]?.[i] : undefined) ||
      text(v);
    const changes = Object.keys(now).map(
      (f) =>
        `${fields[f]?.[lang] ?? f}${sep}${e.action === 'update' ? `${value(f, old[f])} → ` : ''}${value(f, now[f])}`,
    );
    return { action, entity, subject: typeof now.name === 'string' ? now.name : `№ ${key}`, changes };
  }
  if (e.entity === 'survey_record' && (e.action === 'create' || e.action === 'update')) {
    const changes = [...new Set([...Object.keys(old), ...Object.keys(now)])]
      .filter((f) => f !== 'overrides')
      .map((f) => {
        const [id, cls] = f.split('.');
        const input = set.inputs.find((x) => x.id === id);
        const c = cls ? set.landClasses.find((x) => x.id === cls) : undefined;
        const label = input ? input.labels[lang] + (c ? '·' + c.labels[lang] : '') : f;
        const unit = input && !input.percent ? ' ' + displayUnit(input.unit, lang) : '';
        return `${label}${sep}${text(old[f])} → ${text(now[f])}${unit}`;
      });
    if ('overrides' in now)
      changes.push(lang === 'en' ? 'External model figures changed' : '外部模型结果有变更');
    return { action, entity, subject, changes };
  }
  // townships, the county and users: each field that changed, by its name, old → new
  if (
    ['township', 'region', 'user'].includes(e.entity) &&
    (Object.keys(now).length || Object.keys(old).length)
  ) {
    const value = (f: string, v: unknown) =>
      f === 'kind' || f === 'role' || typeof v === 'boolean'
        ? (FIELD_VALUES[String(v)]?.[i] ?? text(v))
        : f === 'townships' && Array.isArray(v)
          ? v.map((x) => townshipName(String(x)) ?? String(x)).join(lang === 'en' ? ', ' : '、') || blank
          : Array.isArray(v)
            ? v.join(lang === 'en' ? ', ' : '、') || blank
            : text(v);
    const changes = [...new Set([...Object.keys(old), ...Object.keys(now)])]
      .filter((f) => JSON.stringify(old[f]) !== JSON.stringify(now[f]))
      .map((f) => {
        const label = FIELDS[f]?.[i] ?? f;
        return e.action === 'create' || e.action === 'load'
          ? `${label}${sep}${value(f, now[f])}`
          : `${label}${sep}${value(f, old[f])} → ${value(f, now[f])}`;
      });
    return { action, entity, subject, changes };
  }
  // a setting: its name, old → new
  if (e.entity === 'setting') {
    const name = SETTINGS[key]?.[i] ?? key;
    return {
      action,
      entity,
      subject: name,
      changes: [
        `${name}${sep}${words(e.old_value, lang, townshipName)} → ${words(e.new_value, lang, townshipName)}`,
      ],
    };
  }
  // anything else: each field by its name, a value in words (a matrix or a long list by its size), never JSON
  const fields = (v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  const o = fields(e.old_value);
  const n = fields(e.new_value);
  const keys = [...new Set([...Object.keys(o), ...Object.keys(n)])];
  const changes = keys
    .filter((f) => JSON.stringify(o[f]) !== JSON.stringify(n[f]) || !(f in o))
    .map((f) => {
      const label = FIELDS[f]?.[i] ?? f;
      if (f === 'unit' && typeof n[f] === 'string') return `${label}${sep}${displayUnit(n[f], lang)}`;
      return f in o
        ? `${label}${sep}${words(o[f], lang, townshipName)} → ${words(n[f], lang, townshipName)}`
        : `${label}${sep}${words(n[f], lang, townshipName)}`;
    });
  if (
    !keys.length &&
    (e.old_value !== null || e.new_value !== null) &&
    (e.old_value !== undefined || e.new_value !== undefined)
  )
    changes.push(
      e.old_value === null || e.old_value === undefined
        ? words(e.new_value, lang, townshipName)
        : `${words(e.old_value, lang, townshipName)} → ${words(e.new_value, lang, townshipName)}`,
    );
  return { action, entity, subject, changes };
}

const SETTINGS: Record<string, [string, string]> = {
  activeSet: ['使用的核算参数集', 'Coefficient set in use'],
  profile: ['核算口径', 'Profile'],
  publicPriceList: ['公开价格清单', 'Public price list'],
  publicRegister: ['公开生态产品目录清单', 'Public list of eco-products'],
  compiler: ['编制单位', 'Compiled by'],
  timeZone: ['时区', 'Time zone'],
};

/** A value in words: yes/no, a status, names for township ids, an object or long list by its size. */
function words(v: unknown, lang: Lang, townshipName: (id: string) => string | undefined): string {
  const i = lang === 'en' ? 1 : 0;
  if (v === null || v === undefined || v === '') return lang === 'en' ? '(blank)' : '（空）';
  if (typeof v === 'boolean') return FIELD_VALUES[String(v)]![i];
  if (typeof v === 'string')
    return (
      STATUS[v]?.[i] ??
      FIELD_VALUES[v]?.[i] ??
      townshipName(v) ??
      (v.length > 120 ? v.slice(0, 120) + '…' : v)
    );
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) {
    const items = v.map((x) =>
      typeof x === 'string' ? (townshipName(x) ?? x) : typeof x === 'number' ? String(x) : '…',
    );
    const shown = items.slice(0, 8).join(lang === 'en' ? ', ' : '、');
    return items.length > 8 ? `${shown} …（${items.length}）` : shown;
  }
  const o = v as Record<string, unknown>;
  // a set or version reference: minhou-2021@2.0.0
  if (typeof o.id === 'string' && typeof o.version === 'string' && Object.keys(o).length === 2)
    return `${o.id}@${o.version}`;
  const n = Object.keys(o).length;
  return lang === 'en' ? `(${n} entries)` : `（${n} 项）`;
}
