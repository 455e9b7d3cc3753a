import { describe, expect, it } from 'vitest';
import type { CompiledSet } from '../../src/domain/model.js';
import type { AuditRow } from '../../src/store/audit.js';
import { describeEvent } from '../../src/web/audit-text.js';

const set = { inputs: [], landClasses: [] } as unknown as CompiledSet;
const names: Record<string, string> = { nanyu: '南屿镇', baisha: '白沙镇' };
const event = (e: Partial<AuditRow>): AuditRow => ({
  id: 1,
  at: new Date(0),
  username: null,
  action: 'create',
  entity: 'scenario_project',
  entity_key: '1',
  township_id: null,
  year: null,
  old_value: null,
  new_value: null,
  note: null,
  ...e,
});
const say = (e: Partial<AuditRow>, lang: 'zh' | 'en' = 'zh') =>
  describeEvent(event(e), lang, set, (id) => names[id]);

describe('the audit trail says every event in words, never raw JSON', () => {
  it('a setting: its name and old → new (a set reference as id@version)', () => {
    const t = say({
      action: 'update',
      entity: 'setting',
      entity_key: 'activeSet',
      old_value: { id: 'minhou-2021', version: '1.0.0' },
      new_value: { id: 'minhou-2021', version: '2.0.0' },
    });
    expect(t).toMatchObject({ entity: '设置', subject: '使用的核算参数集' });
    expect(t.changes).toEqual(['使用的核算参数集：minhou-2021@1.0.0 → minhou-2021@2.0.0']);
    expect(t.raw).toBeUndefined();
    const en = say(
      {
        action: 'update',
        entity: 'setting',
        entity_key: 'compiler',
        old_value: '',
        new_value: '闽侯县生态环境局',
      },
      'en',
    );
    expect(en.changes).toEqual(['Compiled by: (blank) → 闽侯县生态环境局']);
  });

  it('a new project: each field by its name, codes and township ids in words', () => {
    const t = say({
      new_value: { kind: 'project', name: '产业园', rate: '0.05', sample: true, townships: ['nanyu'] },
    });
    expect(t.entity).toBe('评估项目');
    expect(t.changes).toEqual([
      '类型：项目',
      '名称：产业园',
      '贴现率：0.05',
      '示例数据：是',
      '负责乡镇：南屿镇',
    ]);
  });

  it('a transition matrix by its size and unit; a boundary import names its townships', () => {
    const m = say({
      entity: 'transition',
      entity_key: 'baisha/2020-2021',
      new_value: { unit: 'hm2', matrix: { paddy: { paddy: '1' }, bare: { bare: '2' } } },
    });
    expect(m.subject).toBe('白沙镇 2020-2021');
    expect(m.changes).toEqual(['单位：hm²', '转移矩阵：（2 项）']);
    const b = say(
      {
        action: 'import',
        entity: 'township_boundaries',
        entity_key: 'nanyu,baisha',
        new_value: { source: 'XZQ' },
      },
      'en',
    );
    expect(b).toMatchObject({ action: 'Imported', entity: 'Township boundaries', subject: '南屿镇, 白沙镇' });
  });
});

describe("a register entry's audit event says its coded values in words", () => {
  const withProducts = {
    inputs: [],
    landClasses: [],
    products: [{ id: 'water_purification', labels: { zh: '水质净化', en: 'Water purification' } }],
    components: [],
  } as unknown as CompiledSet;
  const entry = {
    action: 'update',
    entity: 'register_entry',
    entity_key: '3',
    old_value: { township: 'baisha', grade: 'good', source: 'accounts', tradable: false },
    new_value: {
      name: '大樟溪水质净化',
      township: 'nanyu',
      product: 'water_purification',
      grade: 'fair',
      source: 'entered',
      tradable: true,
    },
  } as const;
  it('township and product by name, grade, quantity source and yes/no by their labels (zh, en)', () => {
    const zh = describeEvent(event(entry), 'zh', withProducts, (id) => names[id]);
    expect(zh.subject).toBe('大樟溪水质净化');
    expect(zh.changes).toEqual([
      '产品名称：（空） → 大樟溪水质净化',
      '乡镇：白沙镇 → 南屿镇',
      '生态产品：（空） → 水质净化',
      '质量等级：良 → 中',
      '数量来源：取自核算结果 → 填报',
      '可否交易：否 → 是',
    ]);
    const en = describeEvent(event(entry), 'en', withProducts, (id) => names[id]);
    expect(en.changes).toContain('township: 白沙镇 → 南屿镇');
    expect(en.changes).toContain('eco-product: (blank) → Water purification');
    expect(en.changes).toContain('quality grade: good → fair');
    expect(en.changes).toContain('tradable: no → yes');
  });
});
