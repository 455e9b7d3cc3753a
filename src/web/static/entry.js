// The survey form, made safe to type and paste into (progressive enhancement; the server checks again):
// - a field takes one number: a column or row pasted from a spreadsheet goes down the fields it fits, in
//   order, or is refused with a message; it is never glued into one number;
// - changing a unit select converts the values shown, exactly (decimal.js), so a stored 1234.5 hm² shows as
//   18517.5 亩 and is never re-read as 1234.5 亩.
import Decimal from '/static/decimal.mjs';

const D = Decimal.clone({ precision: 40 });
const en = document.documentElement.lang === 'en';
const form = document.getElementById('survey-form');
const shownInput = document.getElementById('shown-state');

// one number as people write it: 1200.5, 1,234.5, -3, 15%
const NUMBER = /^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][+-]?\d+)?%?$/;
const isNumber = (s) => s !== '' && /\d/.test(s) && NUMBER.test(s);

function say(field, text, kind) {
  const box = field.closest('.field');
  let p = box.querySelector('.entry-msg');
  if (!p) {
    p = document.createElement('p');
    p.className = 'entry-msg';
    p.setAttribute('role', 'status');
    box.appendChild(p);
  }
  p.textContent = text;
  p.classList.toggle('field-error', kind === 'error');
  p.classList.toggle('entry-ok', kind !== 'error');
}

const labelOf = (input) => {
  const cell = input.closest('tr')?.querySelector('th');
  return (cell ?? input.closest('.field')?.querySelector('.label label'))?.textContent.trim() ?? '';
};

// the fields a pasted list goes down: the rest of the land-class table, or the rest of the group
function targetsFrom(input) {
  const scope = input.closest('table.perclass') ?? input.closest('fieldset');
  const all = [
    ...scope.querySelectorAll(
      input.closest('table.perclass') ? 'input[inputmode=decimal]' : '.control input[inputmode=decimal]',
    ),
  ].filter((x) => !x.disabled);
  return all.slice(all.indexOf(input));
}

form?.addEventListener('paste', (e) => {
  const input = e.target;
  if (!(input instanceof HTMLInputElement) || input.getAttribute('inputmode') !== 'decimal') return;
  const text = e.clipboardData?.getData('text') ?? '';
  const rows = text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n');
  const cells = rows.map((r) => r.split('\t'));
  if (rows.length === 1 && cells[0].length === 1) return; // one value: the browser pastes it
  e.preventDefault();
  if (rows.length > 1 && cells.some((c) => c.length > 1)) {
    say(
      input,
      en
        ? `Not pasted: the clipboard holds a block of ${rows.length} rows × ${cells[0].length} columns; copy one column or one row.`
        : `未粘贴：剪贴板中是 ${rows.length} 行 × ${cells[0].length} 列的区域，请只复制一列或一行。`,
      'error',
    );
    return;
  }
  const values = cells.flat().map((s) => s.trim());
  const bad = values.find((v) => !isNumber(v));
  const targets = targetsFrom(input);
  if (bad !== undefined) {
    say(
      input,
      en
        ? `Not pasted: "${bad}" is not a number (pasted ${values.length} values).`
        : `未粘贴："${bad}"不是数值（共粘贴 ${values.length} 个值）。`,
      'error',
    );
    return;
  }
  if (values.length > targets.length) {
    say(
      input,
      en
        ? `Not pasted: ${values.length} values, but only ${targets.length} field(s) from here down; nothing was changed.`
        : `未粘贴：共 ${values.length} 个数值，但从此格往下只有 ${targets.length} 格；未做任何修改。`,
      'error',
    );
    return;
  }
  values.forEach((v, i) => {
    targets[i].value = v.replace(/,/g, '');
    targets[i].dispatchEvent(new Event('input', { bubbles: true }));
  });
  const filled = targets.slice(0, values.length).map(labelOf);
  say(
    input,
    en
      ? `Pasted ${values.length} values into: ${filled.join(', ')}.`
      : `已粘贴 ${values.length} 个数值，依次填入：${filled.join('、')}。`,
    'ok',
  );
  targets[values.length - 1].focus();
});

// unit selects: convert what is shown from each value's unit to the chosen one, and tell the server that
// the values are now shown in that unit
const factor = (select, unit) => {
  const o = [...select.options].find((x) => x.value === unit);
  return o ? { num: new D(o.dataset.num), den: new D(o.dataset.den) } : undefined;
};

for (const select of form?.querySelectorAll('select[data-input]') ?? []) {
  select.addEventListener('change', () => {
    const id = select.dataset.input;
    const to = select.value;
    const toF = factor(select, to);
    const shown = JSON.parse(shownInput.value || '{}');
    shown.values ??= {};
    shown.units ??= {};
    let converted = 0;
    for (const input of form.querySelectorAll(`input[data-input="${id}"]`)) {
      const from = input.dataset.unit;
      const fromF = factor(select, from);
      const text = input.value.trim().replace(/,/g, '');
      const key = input.dataset.cell ? `${id}.${input.dataset.cell}` : id;
      input.dataset.unit = to;
      if (from !== to && fromF && toF && isNumber(text) && !text.endsWith('%')) {
        // value_in_to = value_in_from × (from → set unit) ÷ (to → set unit)
        const v = new D(text).times(fromF.num).times(toF.den).div(fromF.den.times(toF.num));
        input.value = v.toSignificantDigits(34).toFixed();
        converted++;
      }
      if (input.dataset.cell) (shown.values[id] ??= {})[input.dataset.cell] = input.value;
      else shown.values[id] = input.value;
      shown.units[key] = to;
    }
    shownInput.value = JSON.stringify(shown);
    const first = form.querySelector(`input[data-input="${id}"]`);
    const unitShown = select.selectedOptions[0]?.textContent ?? to;
    if (first && converted)
      say(
        first,
        en
          ? `${converted} value(s) shown converted to ${unitShown}; values you type are in ${unitShown}.`
          : `已将 ${converted} 个数值换算为 ${unitShown} 显示；新录入的数值也按 ${unitShown} 计。`,
        'ok',
      );
  });
}

// the running 合计 of the land-use areas against the township's area, while typing
const totalBox = document.getElementById('area-total');
function updateAreaTotal() {
  if (!totalBox) return;
  const select = form.querySelector('select[data-input="land_area"]');
  const inputs = [...form.querySelectorAll('input[data-input="land_area"]')];
  let total = new D(0);
  let blank = 0;
  let bad = 0;
  for (const input of inputs) {
    const text = input.value.trim().replace(/,/g, '');
    if (text === '') {
      blank++;
      continue;
    }
    const f = factor(select, input.dataset.unit);
    if (!isNumber(text) || text.endsWith('%') || !f) {
      bad++;
      continue;
    }
    total = total.plus(new D(text).times(f.num).div(f.den));
  }
  const area = new D(totalBox.dataset.area);
  const unit = totalBox.dataset.unitText;
  const diff = total.minus(area);
  const fmt = (d) => d.toDecimalPlaces(4).toFixed();
  const ok = diff.abs().lte('0.01') && !blank && !bad;
  totalBox.classList.toggle('on', ok);
  totalBox.classList.toggle('off', !ok && blank === 0);
  totalBox.textContent = en
    ? `Total ${fmt(total)} ${unit} · township area ${fmt(area)} ${unit} · ` +
      (ok ? 'they agree' : `difference ${fmt(diff)} ${unit}`) +
      (blank ? ` · ${blank} class(es) blank` : '') +
      (bad ? ` · ${bad} not a number` : '')
    : `合计 ${fmt(total)} ${unit}，乡镇面积 ${fmt(area)} ${unit}，` +
      (ok ? '相符' : `差 ${fmt(diff)} ${unit}`) +
      (blank ? `；${blank} 类未填` : '') +
      (bad ? `；${bad} 格不是数值` : '');
}
if (totalBox) {
  form.addEventListener('input', (e) => {
    if (e.target.dataset?.input === 'land_area') updateAreaTotal();
  });
  form.querySelector('select[data-input="land_area"]')?.addEventListener('change', updateAreaTotal);
  updateAreaTotal();
}

// Enter moves down to the next field (as in a spreadsheet), Shift+Enter up; it never submits the form
form.addEventListener('keydown', (e) => {
  const t = e.target;
  if (e.key !== 'Enter' || !(t instanceof HTMLInputElement) || !t.matches('input[inputmode=decimal]')) return;
  e.preventDefault();
  const fields = [...form.querySelectorAll('input[inputmode=decimal]:not([disabled])')];
  const next = fields[fields.indexOf(t) + (e.shiftKey ? -1 : 1)];
  if (next) {
    next.closest('details')?.setAttribute('open', '');
    next.focus();
    next.select();
  }
});
