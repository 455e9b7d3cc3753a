import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../src/domain/inputs.js';
import { ValidationError } from '../../src/store/errors.js';
import { townshipEditSchema } from '../../src/store/regions.js';
import { settingsSchema } from '../../src/store/settings.js';
import { newUserSchema } from '../../src/store/users.js';

const messages = (r: { success: boolean; error?: unknown }) =>
  ValidationError.fromZod(r.error as never).issues.map((i) => i.message);

describe('validation messages name the field by its label, in the page language, without zod English', () => {
  it('a new user: each field by its label and the reason in words', () => {
    const r = newUserSchema.safeParse({
      username: 'X',
      displayName: '  ',
      role: 'boss',
      password: 'correct horse battery',
    });
    expect(messages(r)).toEqual([
      {
        zh: '用户名：须为 3–32 位小写字母、数字或 _ . -，以字母开头',
        en: 'Username: 3–32 lower-case letters, digits, _ . - starting with a letter',
      },
      { zh: '姓名：不能为空', en: 'Name: must not be empty' },
      // the allowed values are codes: never listed to a reader
      {
        zh: '角色：不是可选的值，请从列表中选择',
        en: 'Role: is not one of the choices; pick one from the list',
      },
    ]);
  });

  it('a township edit: area out of its bounds, a name too long, a missing name', () => {
    const r = townshipEditSchema.safeParse({ nameZh: '镇'.repeat(41), areaKm2: '0' });
    const m = messages(r);
    expect(m).toContainEqual({ zh: '中文名称：最多 40 个字符', en: 'Chinese name: at most 40 characters' });
    expect(m).toContainEqual({ zh: '英文名称：必填', en: 'English name: required' });
    expect(m).toContainEqual({
      zh: '面积（km²）：须为 0.01 至 200000 之间的数',
      en: 'Area (km²): a number from 0.01 to 200000',
    });
    // no English detail in parentheses after the Chinese, no field ids
    for (const x of m) {
      expect(x.zh).not.toMatch(/[A-Za-z]{3,}/);
      expect(x.en).not.toMatch(/nameZh|areaKm2|expected|Too /);
    }
  });

  it('a setting: the compiler too long, a time zone that is not one', () => {
    const r = settingsSchema.safeParse({
      activeSet: { id: 'x', version: '1' },
      compiler: '局'.repeat(81),
      timeZone: 'Mars/Olympus',
    });
    expect(messages(r)).toEqual([
      { zh: '编制单位：最多 80 个字符', en: 'Compiled by: at most 80 characters' },
      {
        zh: '时区：应为 IANA 时区名称，如 Asia/Shanghai',
        en: 'Time zone: an IANA time zone such as Asia/Shanghai',
      },
    ]);
  });

  it('a labelled message is not prefixed with its field id again where issues are listed', () => {
    const r = newUserSchema.safeParse({ username: 'ab', displayName: 'A', role: 'viewer', password: 'x' });
    const issue = ValidationError.fromZod(r.error!).issues.find((i) => i.field === 'username')!;
    expect(formatIssue(issue, 'zh')).toBe('用户名：须为 3–32 位小写字母、数字或 _ . -，以字母开头');
  });
});
