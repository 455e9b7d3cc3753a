import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formFields, login, startApp, type Session, type TestApp } from './harness.js';

let t: TestApp;
let editor: Session;

beforeAll(async () => {
  t = await startApp();
  editor = await login(t.app, 'editor');
}, 60_000);
afterAll(() => t.close());

const stored = async (township: string, year: number) =>
  (
    await t.db.query<{ values: Record<string, unknown> }>(
      'select values from survey_records where township_id = $1 and year = $2',
      [township, year],
    )
  )[0]?.values;

describe('number entry that cannot corrupt', () => {
  it('a pasted column posted into one field is refused, named, and nothing is saved', async () => {
    const form = await editor.agent.get('/data/ganzhe/2031');
    const res = await editor.agent
      .post('/data/ganzhe/2031')
      .type('form')
      .send({ ...formFields(form.text), 'values[gdp]': '1200.5\n1500\n900' });
    expect(res.status).toBe(422);
    expect(res.text).toContain(
      '&#34;1200.5 / 1500 / 900&#34;是多个数值（可能粘贴了一列），每一格只能填一个数值',
    );
    expect(res.text).toMatch(/class="field has-error" id="f-gdp"/);
    expect(await stored('ganzhe', 2031)).toBeUndefined();
    // the same through the JSON API, in English
    const api = await editor.agent
      .put('/api/v1/records/ganzhe/2031')
      .set('x-csrf-token', editor.csrf)
      .send({ version: null, values: { gdp: '1200.5\r\n1500' } });
    expect(api.status).toBe(422);
    expect(JSON.stringify(api.body.issues)).toContain('is several values');
    expect(await stored('ganzhe', 2031)).toBeUndefined();
  });

  it('switching the land-area unit to 亩 reads only newly typed values in 亩; shown hm² values stay hm²', async () => {
    // 1234.5 hm² and 450 hm² saved first (a draft need not be complete, so the area sum is not checked)
    let form = await editor.agent.get('/data/ganzhe/2030');
    let res = await editor.agent
      .post('/data/ganzhe/2030')
      .type('form')
      .send({
        ...formFields(form.text),
        'values[land_area][forest_broadleaf]': '1234.5',
        'values[land_area][paddy]': '450',
      });
    expect(res.status).toBe(303);
    form = await editor.agent.get('/data/ganzhe/2030');
    const fields = formFields(form.text);
    expect(fields['values[land_area][forest_broadleaf]']).toBe('1234.5');
    // the clerk picks 亩 (no script converts the page) and types 150 for grassland, leaving the others
    res = await editor.agent
      .post('/data/ganzhe/2030')
      .type('form')
      .send({ ...fields, 'units[land_area]': '亩', 'values[land_area][grassland]': '150' });
    expect(res.status).toBe(303);
    // 150 亩 ÷ 15 亩/hm² = 10 hm²; the shown 1234.5 and 450 were hm² and stay so (not 82.3 and 30)
    expect((await stored('ganzhe', 2030))!.land_area).toEqual({
      forest_broadleaf: '1234.5',
      paddy: '450',
      grassland: '10',
    });
    // the page says what the save changed, with names and the unit as people write it
    const after = await editor.agent.get(res.headers.location!);
    expect(after.text).toContain('已保存，修改了 1 项：');
    expect(after.text).toContain('地类面积·草地：（空） → 10 hm²');
    // said once: a reload does not repeat it
    const again = await editor.agent.get(res.headers.location!);
    expect(again.text).not.toContain('修改了 1 项');
  });

  it('values the page converted for display (18517.5 亩 for 1234.5 hm²) are read in the unit shown', async () => {
    const form = await editor.agent.get('/data/ganzhe/2030');
    const fields = formFields(form.text);
    // what the browser's script does on switching to 亩: 1234.5 hm² × 15 = 18517.5 亩, 450 × 15 = 6750 亩,
    // 10 × 15 = 150 亩, and it records that these values are now shown in 亩
    const shown = {
      values: { land_area: { forest_broadleaf: '18517.5', paddy: '6750', grassland: '150' } },
      units: {
        'land_area.forest_broadleaf': '亩',
        'land_area.paddy': '亩',
        'land_area.grassland': '亩',
      },
    };
    const res = await editor.agent
      .post('/data/ganzhe/2030')
      .type('form')
      .send({
        ...fields,
        shown: JSON.stringify(shown),
        'units[land_area]': '亩',
        'values[land_area][forest_broadleaf]': '18517.5',
        'values[land_area][paddy]': '7500',
        'values[land_area][grassland]': '150',
      });
    expect(res.status).toBe(303);
    // only paddy changed: 7500 亩 ÷ 15 = 500 hm²
    expect((await stored('ganzhe', 2030))!.land_area).toEqual({
      forest_broadleaf: '1234.5',
      paddy: '500',
      grassland: '10',
    });
    const after = await editor.agent.get(res.headers.location!);
    expect(after.text).toContain('地类面积·水田：450 → 500 hm²');
  });

  it('a save that changes nothing says so', async () => {
    const form = await editor.agent.get('/data/ganzhe/2030');
    const res = await editor.agent.post('/data/ganzhe/2030').type('form').send(formFields(form.text));
    expect(res.status).toBe(303);
    const after = await editor.agent.get(res.headers.location!);
    expect(after.text).toContain('已保存：没有数值变化');
  });
});

describe('the previous year beside each field', () => {
  it('甘蔗街道 2021 shows 2020’s GDP and precipitation with the change, worked by hand', async () => {
    const form = (await editor.agent.get('/data/ganzhe/2021')).text;
    const line = (id: string) =>
      /<p class="previous" data-previous="[^"]+">([\s\S]*?)<\/p>/
        .exec(form.slice(form.indexOf(`data-previous="${id}"`) - 40))![1]!
        .replace(/<[^>]+>/g, '');
    // GDP 1,295,026.84 − 1,172,552.98 = 122,473.86 万元; 122,473.86 / 1,172,552.98 = 10.445 % → 10.4 %
    expect(line('gdp')).toBe('2020年：1172552.98 万元 · 变化 +122473.86 (+10.4%)');
    // precipitation 1,470.5 − 1,521.9 = −51.4 mm; −51.4 / 1,521.9 = −3.377 % → −3.4 %
    expect(line('precipitation')).toBe('2020年：1521.9 mm · 变化 −51.4 (−3.4%)');
    // the long form is in collapsible groups, open
    expect(form).toMatch(/<details class="group" open id="g-economy">/);
  });
});
