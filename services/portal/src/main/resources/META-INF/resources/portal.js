// Progressive enhancement only: every page works without it. "Select all" for the alert list's bulk actions.
document.addEventListener('DOMContentLoaded', function () {
  var all = document.getElementById('pick-all');
  if (all) {
    all.addEventListener('change', function () {
      document.querySelectorAll('input[name="pick"]').forEach(function (box) { box.checked = all.checked; });
    });
  }
});
