// Progressive enhancement only: every page works, prints and exports without this file.
document.addEventListener('DOMContentLoaded', () => {
  // warn before leaving a data-entry form with unsaved changes
  const form = document.getElementById('survey-form');
  if (form) {
    let dirty = false;
    form.addEventListener('input', () => (dirty = true));
    form.addEventListener('submit', () => (dirty = false));
    window.addEventListener('beforeunload', (e) => {
      if (dirty) e.preventDefault();
    });
  }

  for (const a of document.querySelectorAll('[data-print]'))
    a.addEventListener('click', (e) => {
      e.preventDefault();
      window.print();
    });

  // tooltips on chart marks: the server puts the label and the formatted value on each mark
  const tip = document.createElement('div');
  tip.className = 'tooltip';
  tip.hidden = true;
  document.body.appendChild(tip);
  for (const mark of document.querySelectorAll('svg [data-label]')) {
    mark.addEventListener('mousemove', (e) => {
      tip.textContent = mark.querySelector('title')?.textContent ?? mark.getAttribute('data-label');
      tip.style.left = `${e.pageX + 12}px`;
      tip.style.top = `${e.pageY + 12}px`;
      tip.hidden = false;
    });
    mark.addEventListener('mouseleave', () => (tip.hidden = true));
  }

  // sortable tables: click a header; numbers sort by their exact value
  for (const table of document.querySelectorAll('table[data-sortable]')) {
    const headers = table.tHead ? [...table.tHead.rows[0].cells] : [];
    headers.forEach((th, col) => {
      th.setAttribute('data-sort', '');
      th.addEventListener('click', () => {
        const body = table.tBodies[0];
        const rows = [...body.rows];
        const dir = th.getAttribute('aria-sort') === 'descending' ? 1 : -1;
        headers.forEach((h) => h.removeAttribute('aria-sort'));
        th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
        const key = (r) => {
          const cell = r.cells[col];
          const v = cell?.getAttribute('data-value');
          return v !== null && v !== undefined && v !== '' ? Number(v) : (cell?.textContent ?? '');
        };
        rows.sort((a, b) => {
          const x = key(a);
          const y = key(b);
          return (
            (typeof x === 'number' && typeof y === 'number'
              ? x - y
              : String(x).localeCompare(String(y), 'zh')) * dir
          );
        });
        rows.forEach((r) => body.appendChild(r));
      });
    });
  }
});
