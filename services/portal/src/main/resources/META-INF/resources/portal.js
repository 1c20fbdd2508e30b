// Progressive enhancement only: every page works without it. "Select all" for the alert list's bulk actions, the
// type filter narrowed to the chosen family's types at once (without script, after Filter), and sections that load
// after the page (data-fragment: the sensors offline on the overview; without script, a link).
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('[data-fragment]').forEach(function (el) {
    fetch(el.getAttribute('data-fragment'), { credentials: 'same-origin', redirect: 'error' })
      .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.text(); })
      .then(function (html) { el.innerHTML = html; })
      .catch(function () { /* keep the link */ });
  });
  var family = document.getElementById('f-family');
  var type = document.getElementById('f-type');
  if (family && type) {
    family.addEventListener('change', function () {
      type.querySelectorAll('optgroup').forEach(function (group) {
        var shown = !family.value || group.getAttribute('data-family') === family.value;
        group.hidden = !shown;
        group.disabled = !shown;
      });
      var picked = type.options[type.selectedIndex];
      if (picked && picked.parentElement.disabled) { type.value = ''; }
    });
  }
  var all = document.getElementById('pick-all');
  if (all) {
    all.addEventListener('change', function () {
      document.querySelectorAll('input[name="pick"]').forEach(function (box) { box.checked = all.checked; });
    });
  }
});
