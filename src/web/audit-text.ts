import type { CompiledSet } from '../domain/model.js';
import { displayUnit } from '../domain/units.js';
import { ENTRY_FIELDS } from '../domain/register.js';
import type { AuditRow as AuditEvent } from '../store/audit.js';
import type { Lang } from './i18n.js';

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
};
const STATUS: Record<string, [string, string]> = {
  draft: ['草稿', 'Draft'],
  submitted: ['已提交', 'Submitted'],
  approved: ['已审核', 'Approved'],
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
    const changes = Object.keys(now).map(
      (f) =>
        `${fields[f]?.[lang] ?? f}${sep}${e.action === 'update' ? `${text(old[f])} → ` : ''}${text(now[f])}`,
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
  const json = (v: unknown) => (v === null || v === undefined ? '' : JSON.stringify(v).slice(0, 400));
  return { action, entity, subject, raw: { old: json(e.old_value), new: json(e.new_value) } };
}
