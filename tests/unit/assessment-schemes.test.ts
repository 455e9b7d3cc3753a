import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { readFileSync } from 'node:fs';
import { SetLoadError } from '../../src/methods/compile.js';
import { compileDocument, documentHash } from '../../src/methods/documents.js';
import { ASSESSMENT_KIND, loadAssessmentSchemes } from '../../src/methods/assessment.js';
import { leavesOf } from '../../src/domain/assessment/index.js';

const shipped = loadAssessmentSchemes('coefficients');
const byId = (id: string) => shipped.find((d) => d.file.id === id)!;

describe('assessment schemes as versioned documents', () => {
  it('ships the Lishui-style (1,000 points) and the Fujian-style (100 points) schemes', () => {
    const lishui = byId('lishui-gep-comprehensive').compiled;
    expect(lishui.fullScore.toString()).toBe('1000');
    expect(lishui.indicators.map((n) => n.labels.zh)).toEqual([
      '生态物质产品',
      '生态调节服务',
      '生态文化服务',
      '双增长双转化',
      '生态产品价值实现机制建设',
      '省级以上生态示范创建（加分）',
    ]);
    // three levels deep: 生态物质产品 → 生态农业 → 农业产品价值增长率
    expect(leavesOf(lishui.indicators).find((l) => l.leaf.id === 'agriculture_growth')!.path).toEqual([
      'material',
      'eco_agriculture',
    ]);
    expect(leavesOf(lishui.indicators).some((l) => l.leaf.rule.kind === 'two_growths')).toBe(true);
    const fujian = byId('fujian-comprehensive-compensation').compiled;
    expect(fujian.fullScore.toString()).toBe('100');
    expect(leavesOf(fujian.indicators).map((l) => l.leaf.labels.zh)).toEqual([
      '森林覆盖率',
      '空气优良天数比例',
      '空气质量综合指数',
      '主要流域水质优良比例',
      '小流域水质优良比例',
      '重特大突发环境事件',
    ]);
    // "30%" in the file is the fraction 0.3
    const forest = leavesOf(fujian.indicators)[0]!.leaf.rule;
    expect(forest.kind === 'linear' && forest.lower.toString()).toBe('0.3');
  });

  it('hashes the content, not the status or the key order', () => {
    const doc = byId('fujian-comprehensive-compensation');
    const raw = parseYaml(
      readFileSync('coefficients/assessment/fujian-comprehensive-compensation/1.0.0.yaml', 'utf8'),
    );
    const reordered = Object.fromEntries(Object.entries(raw as object).reverse());
    expect(compileDocument(ASSESSMENT_KIND, { ...reordered, status: 'draft' }, 'x.yaml').hash).toBe(doc.hash);
    expect(documentHash({ ...doc.file, status: 'draft' })).toBe(doc.hash);
    const retitled = { ...(raw as object), title: { zh: '改', en: 'Changed' } };
    expect(compileDocument(ASSESSMENT_KIND, retitled, 'x.yaml').hash).not.toBe(doc.hash);
  });

  it('lists every problem of a broken scheme at once, with its path', () => {
    const broken = {
      format: 'gep-ledger/assessment@1',
      id: 'broken',
      version: '1.0.0',
      status: 'draft',
      title: { zh: '坏', en: 'Broken' },
      source: 'test',
      fullScore: 100,
      grades: [
        { min: 60, labels: { zh: '合格', en: 'Pass' } },
        { min: 80, labels: { zh: '好', en: 'Good' } },
      ],
      indicators: [
        {
          id: 'a',
          labels: { zh: '甲', en: 'A' },
          weight: 50,
          unit: '%',
          source: { from: 'account', figure: 'product_growth' },
          rule: { kind: 'linear', lower: '10%', upper: '5%' },
        },
        {
          id: 'a',
          labels: { zh: '乙', en: 'B' },
          weight: 40,
          unit: '次',
          source: {
            from: 'department',
            figure: 'x',
            department: { zh: '局', en: 'Bureau' },
            evidence: { zh: '文', en: 'doc' },
          },
          rule: { kind: 'veto' },
        },
      ],
    };
    let error: SetLoadError | undefined;
    try {
      compileDocument(ASSESSMENT_KIND, broken, 'broken.yaml');
    } catch (e) {
      error = e as SetLoadError;
    }
    expect(error).toBeInstanceOf(SetLoadError);
    expect(error!.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'indicators.a.source: figure product_growth needs a product',
      'indicators.a.rule: upper 5% must be above lower 10%',
      'indicators.a: duplicate id "a"',
      'indicators.a.weight: a veto indicator has weight 0 (it adds or vetoes outside the weights)',
      'fullScore: the weights add to 50 points (sections capped), not 100',
      'grades.1.min: grade bands are listed from the highest min down, each lower than the one before',
      'grades.1.min: the lowest band starts at 0, so that every total has a grade',
    ]);
  });

  it('refuses an unknown rule kind or field through the schema, naming the indicator', () => {
    const raw = parseYaml(
      readFileSync('coefficients/assessment/fujian-comprehensive-compensation/1.0.0.yaml', 'utf8'),
    ) as {
      indicators: Array<Record<string, unknown>>;
    };
    raw.indicators[0]!.rule = { kind: 'magic' };
    raw.indicators[1]!.colour = 'red';
    expect(() => compileDocument(ASSESSMENT_KIND, raw, 'x.yaml')).toThrow(
      /forest_cover\.rule\.kind[\s\S]*good_air_share/,
    );
  });
});
