// Progressive enhancement only: every page works without this file.
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
});
