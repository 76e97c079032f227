// Small progressive enhancements (the pages work without them).
(function () {
  "use strict";
  // review: a header checkbox selects every row
  document.querySelectorAll("input[data-select-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      document.querySelectorAll("input[name='" + box.dataset.selectAll + "']").forEach(function (c) { c.checked = box.checked; });
    });
  });
  // menu: one dropdown open at a time; a click elsewhere or Escape closes it (without script each stays
  // open until its title is clicked again)
  var groups = document.querySelectorAll("nav.menu details.menu-group");
  groups.forEach(function (group) {
    group.addEventListener("toggle", function () {
      if (group.open) { groups.forEach(function (other) { if (other !== group) { other.open = false; } }); }
    });
    group.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && group.open) { group.open = false; group.querySelector("summary").focus(); }
    });
  });
  document.addEventListener("click", function (event) {
    groups.forEach(function (group) { if (group.open && !group.contains(event.target)) { group.open = false; } });
  });

  // plan selector: switching the plan reloads the page for it
  document.querySelectorAll("select[data-autosubmit]").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  });

  // Busy indicator: a form that posts (an upload, a report, a save) says it is working until the
  // answer arrives, and cannot be sent twice meanwhile.
  var busyText = document.body.getAttribute("data-busy-text") || "…";
  function setBusy(form, on) {
    var note = form.querySelector(".busy-note");
    form.classList.toggle("busy", on);
    if (on) { form.setAttribute("aria-busy", "true"); } else { form.removeAttribute("aria-busy"); }
    form.querySelectorAll("button, input[type=submit]").forEach(function (b) { b.disabled = on; });
    if (on && !note) {
      note = document.createElement("span");
      note.className = "busy-note";
      note.setAttribute("role", "status");
      note.textContent = busyText;
      form.appendChild(note);
    } else if (!on && note) {
      note.remove();
    }
  }
  function filename(response) {
    var header = response.headers.get("Content-Disposition") || "";
    var utf8 = /filename\*=UTF-8''([^;]+)/i.exec(header);
    if (utf8) { return decodeURIComponent(utf8[1]); }
    var plain = /filename="?([^";]+)"?/i.exec(header);
    return plain ? plain[1] : "download";
  }
  // A form whose answer is a file (the annual report): fetched, so the indicator can end when the
  // file has arrived; on an error the form is sent the ordinary way and the error page shows.
  function download(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
    fetch(form.action, { method: "POST", body: data, credentials: "same-origin" }).then(function (response) {
      var kind = response.headers.get("Content-Disposition") || "";
      if (!response.ok || kind.indexOf("attachment") < 0) { throw new Error("not a file"); }
      return response.blob().then(function (blob) {
        var link = document.createElement("a");
        link.href = URL.createObjectURL(blob);
        link.download = filename(response);
        document.body.appendChild(link);
        link.click();
        setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
        setBusy(form, false);
      });
    }).catch(function () {
      setBusy(form, false);
      form.dataset.plain = "1";
      form.submit();
    });
  }
  document.querySelectorAll("form[method=post], form[method=POST]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.plain === "1" || event.defaultPrevented) { return; }
      var submitter = event.submitter;
      if (form.hasAttribute("data-download") || form.classList.contains("report-form")) {
        event.preventDefault();
        setBusy(form, true);
        download(form, submitter);
        return;
      }
      // after the browser has taken the form's values (a disabled button would not send its own)
      setTimeout(function () { setBusy(form, true); }, 0);
    });
  });
  // back to a page from the browser's cache: nothing is running any more
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form.busy").forEach(function (form) { setBusy(form, false); });
  });
})();
