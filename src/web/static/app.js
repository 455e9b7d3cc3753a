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

  // a layer read in the background: poll its progress, then go on to the preview (geo16)
  const job = document.querySelector('[data-job-progress]');
  if (job) {
    const bar = document.getElementById('layer-progress');
    const poll = async () => {
      const res = await window.fetch(job.getAttribute('data-job-progress'), {
        headers: { accept: 'application/json' },
      });
      if (!res.ok) return window.location.assign(job.getAttribute('data-job-page'));
      const p = await res.json();
      if (p.status !== 'reading') return window.location.assign(p.next ?? job.getAttribute('data-job-page'));
      document.getElementById('layer-parcels').textContent = p.parcels.toLocaleString('en-US');
      document.getElementById('layer-seconds').textContent = String(p.seconds);
      if (p.total) {
        bar.max = p.total;
        bar.value = p.parcels;
      }
      window.setTimeout(poll, 1000);
    };
    window.setTimeout(poll, 500);
  }

  // polish12: the township picked stands in view in each ranking's own scroll box (its row below the sticky header)
  for (const row of document.querySelectorAll('.table-scroll tr.picked')) {
    const box = row.closest('.table-scroll');
    const head = box.querySelector('thead');
    const above = row.offsetTop - (head ? head.offsetHeight : 0);
    if (above > box.clientHeight / 3 || above < box.scrollTop)
      box.scrollTop = Math.max(0, above - box.clientHeight / 3);
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
