// Live validation for the design editor: the server renders, we only swap HTML.
// Without JavaScript every button here is a plain submit button and works too.
(function () {
  "use strict";
  var form = document.getElementById("design-form");
  if (!form) return;
  var panel = document.getElementById("panel");
  var list = document.getElementById("catalog-list");
  var query = document.getElementById("catalog-q");
  var timer = null, catTimer = null, seq = 0, catSeq = 0;

  function post(url, extra) {
    var data = new FormData(form);
    if (extra) Object.keys(extra).forEach(function (k) { data.set(k, extra[k]); });
    return fetch(url, { method: "POST", body: data, credentials: "same-origin",
                        headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); });
  }
  function refresh() {
    var mine = ++seq;
    form.setAttribute("aria-busy", "true");
    form.dispatchEvent(new CustomEvent("designer:change"));  // designer.js: unsaved edits, draft
    post(form.dataset.preview).then(function (html) {
      if (mine === seq) {
        panel.innerHTML = html; form.removeAttribute("aria-busy");
        form.dispatchEvent(new CustomEvent("designer:panel"));  // designer.js: the summary
      }
    }).catch(function () { form.removeAttribute("aria-busy"); });
    if (query && query.value.trim()) refreshCatalog();
  }
  function refreshCatalog() {
    var mine = ++catSeq;
    post(form.dataset.advice, { q: query.value }).then(function (html) {
      if (mine === catSeq) list.innerHTML = html;
    }).catch(function () {});
  }
  // 150 ms after the last change: the panel answers within 300 ms of a change (issue 17,
  // measured in tests/browser/test_designer_live.py, docs/performance.md), and changes in a
  // quick run (a fix filling two fields, fast typing) still make one request, not several
  function later() { clearTimeout(timer); timer = setTimeout(refresh, 150); }
  window.configuratorDesigner = { refresh: refresh, later: later };

  // Age: asked for face, body and hair products; a new product type brings its own age
  // (a baby lotion is for children under 3) and the client may change it from there
  var ageField = document.getElementById("age-field");
  var productType = form.querySelector("[name=product_type]");
  if (ageField && productType) {
    var ageTypes = JSON.parse(ageField.dataset.types || "{}");
    var ageAreas = (ageField.dataset.areas || "").split(" ");
    productType.addEventListener("change", function () {
      var t = ageTypes[productType.value] || ["", "adults"];
      var shown = ageAreas.indexOf(t[0]) >= 0;
      var select = ageField.querySelector("select");
      ageField.hidden = !shown; select.disabled = !shown; select.value = t[1];
    });
  }

  form.addEventListener("input", function (e) { if (e.target !== query) later(); });
  form.addEventListener("change", function (e) { if (e.target !== query) later(); });
  if (query) {
    query.addEventListener("input", function () { clearTimeout(catTimer); catTimer = setTimeout(refreshCatalog, 250); });
    query.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); refreshCatalog(); } });
  }

  // Name suggestions: the page carries the lab's profiled names only; as a row's INCI
  // field is typed, the catalog search (GET /designs/catalog) fills the list from every
  // name the rules know, profiled ones first, each labelled "no lab profile", "regulated: …"
  var names = document.getElementById("catalog-names");
  var nameTimer = null, nameSeq = 0;
  function suggest(input) {
    var q = input.value.trim(), mine = ++nameSeq;
    if (q.length < 2 || !names.dataset.search) return;
    fetch(names.dataset.search + "?limit=30&q=" + encodeURIComponent(q),
          { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        if (mine !== nameSeq) return;
        names.textContent = "";
        data.results.forEach(function (h) {
          var option = document.createElement("option");
          option.value = h.inci; option.label = h.marks.join(" · ");
          names.appendChild(option);
        });
      }).catch(function () {});
  }
  if (names) {
    form.addEventListener("input", function (e) {
      var input = e.target;
      if (!/-inci$/.test(input.name || "")) return;
      clearTimeout(nameTimer); nameTimer = setTimeout(function () { suggest(input); }, 150);
    });
  }

  function rows() { return Array.prototype.slice.call(form.querySelectorAll("table.rows tbody tr")); }
  function field(row, suffix) { return row.querySelector("[name$='-" + suffix + "']"); }
  function findRow(inci) {
    var want = inci.trim().toLowerCase();
    return rows().filter(function (r) { return field(r, "inci").value.trim().toLowerCase() === want; })[0];
  }
  function emptyRow() { return rows().filter(function (r) { return !field(r, "inci").value.trim(); })[0]; }
  function setRow(row, inci, amount) {
    field(row, "inci").value = inci; field(row, "amount").value = amount; field(row, "qs").checked = false;
  }

  // "Make it valid": the repair's diff, accepted all, some or none; a row kept in one click
  var repairBox = document.getElementById("repair");
  var pins = [];
  function askRepair() {
    post(form.dataset.repair, { pins: pins.join("\n") }).then(function (html) {
      repairBox.innerHTML = html;
    }).catch(function () {});
  }
  function applyChange(tr) {
    var d = tr.dataset, row = d.inci ? findRow(d.inci) : null;
    if (d.op === "set-ph") { form.querySelector("[name=target_ph]").value = d.new; }
    else if (d.op === "set-base") { form.querySelector("[name=base]").value = d.newInci; }
    else if (!row) { return; }
    else if (d.op === "remove") { setRow(row, "", ""); }
    else if (d.op === "swap") { setRow(row, d.newInci, d.new); }
    else if (d.op === "set-percent") { setRow(row, d.inci, d.new); }
  }
  function accept(all) {
    repairBox.querySelectorAll("tr.change").forEach(function (tr) {
      if (all || tr.querySelector("input.accept").checked) applyChange(tr);
    });
    repairBox.innerHTML = ""; pins = [];
    refresh();
  }

  document.addEventListener("click", function (e) {
    if (repairBox && e.target.closest(".make-valid")) {
      e.preventDefault(); pins = []; askRepair(); return;
    }
    var pin = e.target.closest(".repair-pin, .repair-unpin");
    if (pin) {
      var p = pin.dataset.pin;
      pins = pins.filter(function (x) { return x !== p; });
      if (pin.classList.contains("repair-pin")) pins.push(p);
      askRepair(); return;
    }
    if (e.target.closest("#repair-accept-all")) { accept(true); return; }
    if (e.target.closest("#repair-accept")) { accept(false); return; }
    if (e.target.closest("#repair-dismiss")) { repairBox.innerHTML = ""; pins = []; return; }
    var fix = e.target.closest(".apply-fix");
    if (fix) {
      var op = fix.dataset.op, inci = fix.dataset.inci, value = fix.dataset.value;
      var row = inci ? findRow(inci) : null;
      if (op === "set-ph") { form.querySelector("[name=target_ph]").value = value; }
      else if (op === "remove" && row) { setRow(row, "", ""); }
      else if ((op === "set-percent" || op === "add") && (row || emptyRow())) {
        setRow(row || emptyRow(), inci, String(Number(value)));
      } else { return; }  // nothing to do here: let the button submit the form
      e.preventDefault(); refresh(); return;
    }
    var add = e.target.closest("button.add");
    if (add) {
      if (add.getAttribute("aria-disabled") === "true") { e.preventDefault(); return; }
      var more = window.configuratorDesigner.addRow;  // designer.js: a new row, no reload
      var target = emptyRow() || (more ? more() : null);
      if (!target) return;  // no empty row and no room for one: the server says so
      e.preventDefault();
      setRow(target, add.dataset.inci, add.dataset.strength);
      refresh();
    }
  });
})();
