// The designer around its live check (issue 17), plain JavaScript, no library:
// * the summary (verdict, counts, cost, base room, top findings) kept in view, refreshed
//   from the <template> the live preview sends at the end of the panel;
// * rows added and removed with no reload (the names are renumbered so the server reads
//   rows-0…rows-N as always);
// * unsaved edits marked, guarded on leaving, and kept as a draft in this browser
//   (localStorage) that a reload brings back;
// * "Submit" says what it will do with unsaved edits (the server saves them first);
// * a hint on a row that has a name and no strength yet;
// * the sections' stepper marks the section in view.
// Without JavaScript every button here is a plain submit button the server answers.
(function () {
  "use strict";
  var form = document.getElementById("design-form");
  if (!form) return;
  var api = window.configuratorDesigner || (window.configuratorDesigner = { refresh: function () {} });
  var editable = form.dataset.editable === "1";
  var tbody = form.querySelector("table.rows tbody");
  var maxRows = parseInt(form.dataset.maxRows || "60", 10);
  var panel = document.getElementById("panel");
  var summaryBody = document.getElementById("summary-body");

  function rows() { return Array.prototype.slice.call(tbody.querySelectorAll("tr")); }
  function field(tr, suffix) { return tr.querySelector("[name$='-" + suffix + "']"); }

  // --- the summary and the rows' hints, from the panel the preview sent ----------------
  function takePanel() {
    var next = panel && panel.querySelector("template#summary-next");
    if (next && summaryBody) {
      summaryBody.textContent = "";
      summaryBody.appendChild(document.importNode(next.content, true));
      next.parentNode.removeChild(next);
    }
    var waiting = {};
    if (panel) panel.querySelectorAll("#pending-rows li[data-row]").forEach(function (li) {
      waiting[li.dataset.row] = true;
    });
    rows().forEach(function (tr, i) {
      var hint = tr.querySelector(".row-hint"), amount = field(tr, "amount");
      if (!hint) return;
      hint.id = "rows-" + i + "-hint";
      if (waiting[i]) {
        hint.textContent = "Give its strength (5 %, 5000 ppm) or tick q.s.: not checked until then.";
        hint.hidden = false; amount.setAttribute("aria-describedby", hint.id);
      } else if (!hint.hidden) {
        hint.hidden = true; hint.textContent = ""; amount.removeAttribute("aria-describedby");
      }
    });
  }
  form.addEventListener("designer:panel", takePanel);
  takePanel();

  // --- rows: add and remove with no reload -----------------------------------------------
  var LABELS = { inci: function (n) { return "Ingredient " + n; },
                 amount: function (n) { return "Strength of ingredient " + n; },
                 qs: function (n) { return "Ingredient " + n + " is q.s."; } };
  var addButton = document.getElementById("add-row");
  var rowCount = document.getElementById("row-count");
  function renumber() {
    rows().forEach(function (tr, i) {
      tr.querySelectorAll("input").forEach(function (el) {
        var m = /^rows-\d+-(\w+)$/.exec(el.name || "");
        if (!m) return;
        el.name = el.id = "rows-" + i + "-" + m[1];
        if (LABELS[m[1]]) el.setAttribute("aria-label", LABELS[m[1]](i + 1));
      });
      labelRemove(tr, i);
    });
    var n = rows().length;
    if (addButton) addButton.disabled = n >= maxRows;
    if (rowCount) rowCount.textContent = n >= maxRows ? "The most rows a design has: " + maxRows + "." : "";
  }
  function labelRemove(tr, i) {
    var rm = tr.querySelector(".remove-row");
    if (!rm) return;
    var name = field(tr, "inci").value.trim();
    rm.value = String(i);
    rm.setAttribute("aria-label", "Remove " + (name || "row " + (i + 1)));
  }
  function clearRow(tr) {
    tr.querySelectorAll("input").forEach(function (el) {
      if (el.type === "checkbox") el.checked = false; else el.value = "";
      el.removeAttribute("aria-describedby");
    });
    tr.querySelectorAll(".error").forEach(function (e) { e.parentNode.removeChild(e); });
    var hint = tr.querySelector(".row-hint");
    if (hint) { hint.hidden = true; hint.textContent = ""; }
  }
  function addRow() {
    var all = rows();
    if (!all.length || all.length >= maxRows) return null;
    var tr = all[all.length - 1].cloneNode(true);
    clearRow(tr);
    tbody.appendChild(tr);
    renumber();
    return tr;
  }
  api.addRow = function () { var tr = addRow(); if (tr) changed(); return tr; };
  function removeRow(tr) {
    var all = rows(), at = all.indexOf(tr);
    if (all.length > 1) tr.parentNode.removeChild(tr); else clearRow(tr);
    renumber();
    var next = rows()[Math.min(at, rows().length - 1)];
    (next ? field(next, "inci") : addButton).focus();
    api.refresh();
  }
  renumber();

  document.addEventListener("click", function (e) {
    if (!editable) return;
    var t = e.target;
    if (t.closest("#add-row")) {
      e.preventDefault();
      var tr = addRow();
      if (tr) { field(tr, "inci").focus(); changed(); }
      return;
    }
    var rm = t.closest(".remove-row");
    if (rm && tbody.contains(rm)) { e.preventDefault(); removeRow(rm.closest("tr")); return; }
    var go = t.closest(".goto-row");
    if (go) {
      var want = (go.dataset.inci || "").trim().toLowerCase();
      var row = rows().filter(function (r) { return field(r, "inci").value.trim().toLowerCase() === want; })[0];
      if (row) { row.scrollIntoView({ block: "center" }); field(row, "amount").focus(); }
    }
  });
  form.addEventListener("input", function (e) {
    var m = /^rows-(\d+)-inci$/.exec(e.target.name || "");
    if (m) labelRemove(e.target.closest("tr"), parseInt(m[1], 10));
  });

  // --- unsaved edits: the mark, the guard, the draft --------------------------------------
  var key = "configurator-draft:" + form.dataset.design;
  var versionField = form.querySelector("[name=version]");
  var version = versionField ? versionField.value : "";
  var SKIP = { csrf_token: 1, version: 1, q: 1, pins: 1, action: 1, on: 1 };
  function state() {
    var out = { fields: [], rows: [] };
    rows().forEach(function (tr) {
      var r = [field(tr, "inci").value.trim(), field(tr, "amount").value.trim(), field(tr, "qs").checked];
      if (r[0] || r[1] || r[2]) out.rows.push(r);
    });
    new FormData(form).forEach(function (v, k) {
      if (!SKIP[k] && !/^rows-/.test(k) && typeof v === "string") out.fields.push([k, v.trim()]);
    });
    return out;
  }
  function apply(st) {
    while (rows().length < st.rows.length + 1 && addRow()) { /* room for every row */ }
    rows().forEach(function (tr, i) {
      var r = st.rows[i] || ["", "", false];
      field(tr, "inci").value = r[0]; field(tr, "amount").value = r[1]; field(tr, "qs").checked = !!r[2];
    });
    renumber();
    var byName = {};
    st.fields.forEach(function (p) { (byName[p[0]] = byName[p[0]] || []).push(p[1]); });
    var type = form.querySelector("[name=product_type]");
    if (type && byName.product_type) {
      type.value = byName.product_type[0];
      type.dispatchEvent(new Event("change", { bubbles: true }));  // the Age field follows
    }
    form.querySelectorAll("input[name], select[name], textarea[name]").forEach(function (el) {
      if (SKIP[el.name] || /^rows-/.test(el.name) || el.name === "product_type" || el.disabled) return;
      var vals = byName[el.name] || [];
      if (el.type === "checkbox" || el.type === "radio") el.checked = vals.indexOf(el.value) >= 0;
      else if (vals.length) el.value = vals[0];
      else if (el.tagName !== "SELECT" && el.type !== "hidden") el.value = "";
    });
  }

  var saveState = document.getElementById("save-state");
  var dirtyMark = document.getElementById("dirty-mark");
  var submitButton = document.getElementById("submit-button");
  var note = document.getElementById("draft-note");
  var savedOnLoad = form.dataset.saved === "1";
  var baseline = JSON.stringify(state());
  var dirty = !savedOnLoad, leaving = false;

  function show() {
    if (saveState) {
      saveState.textContent = dirty ? "Unsaved changes" : "All changes saved";
      saveState.classList.toggle("dirty", dirty);
    }
    if (dirtyMark) dirtyMark.hidden = !dirty;
    if (submitButton) {
      var n = parseInt(submitButton.dataset.version, 10);
      submitButton.textContent = dirty ? "Save as revision " + (n + 1) + " and submit for lab review"
                                       : "Submit revision " + n + " for lab review";
    }
  }
  function store(st) {
    try {
      if (st) localStorage.setItem(key, JSON.stringify({ version: version, at: Date.now(), state: st }));
      else localStorage.removeItem(key);
    } catch (err) { /* private mode or full: the guard still warns */ }
  }
  function readDraft() {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (err) { return null; }
  }
  var draftTimer = null;
  function changed() {
    if (!editable) return;
    var st = state(), now = JSON.stringify(st);
    dirty = !savedOnLoad || now !== baseline;
    show();
    clearTimeout(draftTimer);
    draftTimer = setTimeout(function () { store(now !== baseline || !savedOnLoad ? st : null); }, 150);
  }
  if (editable) {
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("designer:change", function () { renumber(); changed(); });
    window.addEventListener("beforeunload", function (e) {
      if (dirty && !leaving) {
        clearTimeout(draftTimer); store(state());  // kept even if the visitor leaves anyway
        e.preventDefault(); e.returnValue = "";
      }
    });
    form.addEventListener("submit", function (e) {
      leaving = true;  // the server answers with these edits (saved, or shown with why not)
      var d = readDraft();
      var how = e.submitter && e.submitter.value;
      if (d && (how === "save" || how === "submit")) { d.sent = true; try { localStorage.setItem(key, JSON.stringify(d)); } catch (err) { /* ignore */ } }
    });
    // what this browser kept: brought back on the same revision, offered on another
    var draft = readDraft();
    if (draft && draft.state) {
      var kept = JSON.stringify(draft.state), when = new Date(draft.at || Date.now());
      var at = when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      if (kept === baseline) {
        if (savedOnLoad) store(null);
      } else if (draft.version === version) {
        apply(draft.state);
        noteShow("Your unsaved edits from " + at + " are back (kept in this browser).", false);
        changed(); api.refresh();
      } else if (draft.sent) {
        store(null);  // a save went through: that revision is the saved one now
      } else {
        noteShow("Unsaved edits to revision " + draft.version + " from " + at +
                 " are kept in this browser; this page shows revision " + version + ".", true);
      }
    }
    show();
  }
  function noteShow(text, offer) {
    if (!note) return;
    note.querySelector(".text").textContent = text;
    document.getElementById("draft-restore").hidden = !offer;
    note.hidden = false;
  }
  if (note) {
    note.addEventListener("click", function (e) {
      if (e.target.id === "draft-restore") {
        var d = readDraft();
        if (d && d.state) { apply(d.state); changed(); api.refresh(); }
        note.hidden = true;
      } else if (e.target.id === "draft-discard") {
        store(null); leaving = true;
        window.location.reload();
      }
    });
  }

  // --- the stepper: the section in view is marked -----------------------------------------
  var links = Array.prototype.slice.call(document.querySelectorAll(".stepper a[href^='#']"));
  var queued = false;
  function markStep() {
    queued = false;
    var line = window.innerHeight * 0.4, current = links[0];
    links.forEach(function (a) {
      var el = document.getElementById(a.getAttribute("href").slice(1));
      if (el && el.getBoundingClientRect().top <= line) current = a;
    });
    links.forEach(function (a) {
      if (a === current) a.setAttribute("aria-current", "location"); else a.removeAttribute("aria-current");
    });
  }
  if (links.length) {
    window.addEventListener("scroll", function () {
      if (!queued) { queued = true; window.requestAnimationFrame(markStep); }
    }, { passive: true });
    markStep();
  }
})();
