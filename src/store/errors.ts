import type { ZodError } from 'zod';
import type { Bilingual, InputIssue } from '../domain/inputs.js';

/** Bad input: every problem at once, each naming its field (and row) in zh and en. Nothing was written. */
export class ValidationError extends Error {
  constructor(readonly issues: readonly InputIssue[]) {
    super(issues.map((i) => i.message.en).join('; '));
  }

  /**
   * Every problem of a zod parse, each naming its field by its label in both languages ("姓名：不能为空",
   * "Name: must not be empty"), never zod's English detail. `labels` adds or overrides field labels (by the
   * path's first key); a field without a label keeps its path in `field` and its message says only the reason.
   */
  static fromZod(error: ZodError, labels: Readonly<Record<string, Bilingual>> = {}): ValidationError {
    return new ValidationError(
      error.issues.map((i) => {
        const field = i.path.join('.');
        const [first, ...rest] = i.path.map(String);
        const base = first === undefined ? undefined : (labels[first] ?? FIELD_LABELS[first]);
        const label = base && {
          zh: base.zh + (rest.length ? `（${rest.join('.')}）` : ''),
          en: base.en + (rest.length ? ` (${rest.join('.')})` : ''),
        };
        const reason = zodReason(i);
        return {
          field: field || undefined,
          message: label ? { zh: `${label.zh}：${reason.zh}`, en: `${label.en}: ${reason.en}` } : reason,
          ...(label ? { labelled: true } : {}),
        };
      }),
    );
  }
}

/** The labels of the fields the app's zod schemas check, as the forms name them. */
const FIELD_LABELS: Record<string, Bilingual> = {
  username: { zh: '用户名', en: 'Username' },
  displayName: { zh: '姓名', en: 'Name' },
  role: { zh: '角色', en: 'Role' },
  password: { zh: '密码', en: 'Password' },
  nameZh: { zh: '中文名称', en: 'Chinese name' },
  nameEn: { zh: '英文名称', en: 'English name' },
  adminCode: { zh: '行政区划代码', en: 'Administrative code' },
  kind: { zh: '类型', en: 'Kind' },
  areaKm2: { zh: '面积（km²）', en: 'Area (km²)' },
  population: { zh: '常住人口', en: 'Resident population' },
  compiler: { zh: '编制单位', en: 'Compiled by' },
  timeZone: { zh: '时区', en: 'Time zone' },
  profile: { zh: '核算口径', en: 'Profile' },
  activeSet: { zh: '核算参数集', en: 'Coefficient set' },
  name: { zh: '名称', en: 'Name' },
  description: { zh: '说明', en: 'Description' },
  official: { zh: '领导干部', en: 'Official' },
  scope: { zh: '范围', en: 'Scope' },
  year: { zh: '年份', en: 'Year' },
  startYear: { zh: '起始年份', en: 'Start year' },
  endYear: { zh: '结束年份', en: 'End year' },
  constantPriceYear: { zh: '不变价基年', en: 'Constant-price year' },
  townships: { zh: '乡镇', en: 'Townships' },
  setId: { zh: '核算参数集', en: 'Coefficient set' },
  setVersion: { zh: '参数集版本', en: 'Set version' },
  rate: { zh: '贴现率', en: 'Discount rate' },
  horizon: { zh: '评估年限', en: 'Horizon' },
  configId: { zh: '审计配置', en: 'Audit configuration' },
  version: { zh: '数据版本号', en: 'Record version' },
  reason: { zh: '理由', en: 'Reason' },
  values: { zh: '数值', en: 'Values' },
  overrides: { zh: '外部模型数据', en: 'Modelled quantities' },
  status: { zh: '状态', en: 'Status' },
};

/** What is wrong, in words, without zod's English detail. */
function zodReason(i: ZodError['issues'][number]): Bilingual {
  const x = i as unknown as {
    code: string;
    origin?: string;
    minimum?: number | bigint;
    maximum?: number | bigint;
    expected?: string;
    input?: unknown;
    values?: unknown[];
    params?: { zh?: string };
    message: string;
  };
  const n = (v: number | bigint | undefined) => String(v);
  switch (x.code) {
    case 'too_small':
      if (x.origin === 'string')
        return Number(x.minimum) <= 1
          ? { zh: '不能为空', en: 'must not be empty' }
          : { zh: `至少 ${n(x.minimum)} 个字符`, en: `at least ${n(x.minimum)} characters` };
      if (x.origin === 'array' || x.origin === 'set')
        return { zh: `至少选择 ${n(x.minimum)} 项`, en: `choose at least ${n(x.minimum)}` };
      return { zh: `不能小于 ${n(x.minimum)}`, en: `must be at least ${n(x.minimum)}` };
    case 'too_big':
      if (x.origin === 'string')
        return { zh: `最多 ${n(x.maximum)} 个字符`, en: `at most ${n(x.maximum)} characters` };
      if (x.origin === 'array' || x.origin === 'set')
        return { zh: `最多 ${n(x.maximum)} 项`, en: `at most ${n(x.maximum)} items` };
      return { zh: `不能大于 ${n(x.maximum)}`, en: `must be at most ${n(x.maximum)}` };
    case 'invalid_type': {
      if (x.input === undefined || x.input === null) return { zh: '必填', en: 'required' };
      const kinds: Record<string, Bilingual> = {
        number: { zh: '应为数字', en: 'must be a number' },
        int: { zh: '应为整数', en: 'must be a whole number' },
        string: { zh: '应为文字', en: 'must be text' },
        boolean: { zh: '应为是或否', en: 'must be yes or no' },
        array: { zh: '应为列表', en: 'must be a list' },
        object: { zh: '格式不对', en: 'is not in the expected form' },
      };
      return kinds[x.expected ?? ''] ?? { zh: '类型不对', en: 'is of the wrong kind' };
    }
    case 'invalid_value':
      // the allowed values are codes (admin, editor …): the form offers them by name, so say where to pick
      return { zh: '不是可选的值，请从列表中选择', en: 'is not one of the choices; pick one from the list' };
    case 'unrecognized_keys':
      return { zh: '含有无法识别的字段', en: 'has fields that are not recognised' };
    default:
      // a custom check (or a format with its own words) carries them: params.zh and the English message
      if (x.params?.zh) return { zh: x.params.zh, en: x.message };
      return x.code === 'invalid_format'
        ? { zh: '格式不对', en: 'is not in the expected format' }
        : { zh: '无效', en: 'is not valid' };
  }
}

/** The data changed since the user loaded it: nothing was overwritten. */
export class ConflictError extends Error {
  constructor(readonly messageText: Bilingual) {
    super(messageText.en);
  }
}

/** The user's role or relation to the data does not allow this. */
export class ForbiddenError extends Error {
  constructor(readonly messageText: Bilingual) {
    super(messageText.en);
  }
}

export class NotFoundError extends Error {
  constructor(readonly messageText: Bilingual) {
    super(messageText.en);
  }
}

/** The request itself cannot be read (a NUL byte, invalid text, a malformed path): 400, nothing done. */
export class BadRequestError extends Error {
  constructor(readonly messageText: Bilingual) {
    super(messageText.en);
  }
}
