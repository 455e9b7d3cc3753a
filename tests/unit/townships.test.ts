import { describe, expect, it } from 'vitest';
import { planTownships, townshipId, type RegisteredTownship } from '../../src/domain/townships.js';

const ganzhe: RegisteredTownship = {
  id: 'ganzhe',
  name_zh: '甘蔗街道',
  name_en: 'Ganzhe Subdistrict',
  admin_code: '350121001',
  kind: 'subdistrict',
  area_km2: '70.5',
};

describe('township rows planned against the registered townships', () => {
  it('matches by 行政区划代码 first: a new name for 350121001 renames 甘蔗街道; an unchanged row is said so', () => {
    const { changes, issues } = planTownships(
      [
        {
          row: 2,
          adminCode: '350121001',
          nameZh: '甘蔗镇',
          nameEn: 'Ganzhe Town',
          kind: '镇',
          areaKm2: '70.50',
        },
        {
          row: 3,
          adminCode: '350121002',
          nameZh: '白沙镇',
          nameEn: 'Baisha Town',
          kind: 'town',
          areaKm2: '1e2',
        },
      ],
      [ganzhe],
      '350121',
    );
    expect(issues).toEqual([]);
    expect(changes.map((c) => [c.action, c.after.id, c.after.kind, c.after.areaKm2.toString()])).toEqual([
      ['update', 'ganzhe', 'town', '70.5'],
      ['create', 'baisha', 'town', '100'],
    ]);
    const same = planTownships(
      [
        {
          adminCode: '350121001',
          nameZh: '甘蔗街道',
          nameEn: 'Ganzhe Subdistrict',
          kind: '街道',
          areaKm2: '70.5',
        },
      ],
      [ganzhe],
    );
    expect(same.changes[0]!.action).toBe('unchanged');
  });

  it('reports every problem of every row at once, with its row and field', () => {
    const { changes, issues } = planTownships(
      [
        { row: 2, adminCode: '350122001', nameZh: '', nameEn: 'X', kind: '村', areaKm2: '-1' },
        { row: 3, adminCode: '350121009', nameZh: '甘蔗街道', nameEn: 'Other', kind: '镇', areaKm2: '5' },
        { row: 4, adminCode: '350121009', nameZh: '新镇', nameEn: 'New Town', kind: '镇', areaKm2: '5' },
      ],
      [ganzhe],
      '350121',
    );
    expect(changes.filter((c) => c.row === 2 || c.row === 4)).toEqual([]);
    expect(issues.map((i) => `${i.row}:${i.field}`)).toEqual([
      '2:nameZh',
      '2:adminCode', // 350122… is not in county 350121
      '2:kind',
      '2:areaKm2',
      '4:adminCode', // repeats row 3
    ]);
    expect(issues[1]!.message.zh).toBe('行政区划代码 350122001 不以本县代码 350121 开头');
    expect(issues[4]!.message.zh).toBe('行政区划代码"350121009"与第 3 行重复');
  });

  it('a new township gets a readable id from its English name, never one already taken', () => {
    expect(townshipId('Ganzhe Subdistrict', '350121001', new Set())).toBe('ganzhe');
    expect(townshipId('Ganzhe Town', '350121009', new Set(['ganzhe']))).toBe('ganzhe_2');
    expect(townshipId('  ', '350121010', new Set())).toBe('t350121010');
  });
});
