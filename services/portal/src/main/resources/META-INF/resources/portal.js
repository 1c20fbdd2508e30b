// Progressive enhancement only: every page works without it. "Select all" for the alert list's bulk actions, and
// sections that load after the page (data-fragment: the sensors offline on the overview; without script, a link).
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('[data-fragment]').forEach(function (el) {
    fetch(el.getAttribute('data-fragment'), { credentials: 'same-origin', redirect: 'error' })
      .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.text(); })
      .then(function (html) { el.innerHTML = html; })
      .catch(function () { /* keep the link */ });
  });
  var all = document.getElementById('pick-all');
  if (all) {
    all.addEventListener('change', function () {
      document.querySelectorAll('input[name="pick"]').forEach(function (box) { box.checked = all.checked; });
    });
  }
});
