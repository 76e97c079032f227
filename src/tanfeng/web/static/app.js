// Small progressive enhancements (the pages work without them).
(function () {
  "use strict";
  // review: a header checkbox selects every row
  document.querySelectorAll("input[data-select-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      document.querySelectorAll("input[name='" + box.dataset.selectAll + "']").forEach(function (c) { c.checked = box.checked; });
    });
  });
  // plan selector: switching the plan reloads the page for it
  document.querySelectorAll("select[data-autosubmit]").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  });
})();
