// mealplan workbench: every change re-solves on the server and updates the page in place.
// No framework: the server renders every fragment; this file only moves them around.
"use strict";
(function () {
  const form = document.getElementById("client");
  if (!form) return;
  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
  const NOT_SOLVE = new Set(["save_as", "whynot.servings", "compare_with"]);
  let seq = 0;
  let timer = null;

  function body(extra) {
    const data = new URLSearchParams(new FormData(form));
    for (const [k, v] of Object.entries(extra || {})) data.set(k, v);
    return data;
  }

  async function post(url, extra) {
    return fetch(url, {
      method: "POST",
      body: body(extra),
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    });
  }

  function busy(on, text) {
    const b = $("#busy");
    b.hidden = !on;
    if (text) b.textContent = text;
  }

  function showErrors(errors, general) {
    $$("small.err[data-err]").forEach((el) => (el.textContent = ""));
    $$(".invalid").forEach((el) => el.classList.remove("invalid"));
    for (const [field, msg] of Object.entries(errors || {})) {
      const slot = $(`small.err[data-err="${CSS.escape(field)}"]`);
      if (slot) slot.textContent = msg;
      $$(`[name="${CSS.escape(field)}"]`).forEach((el) => el.classList.add("invalid"));
    }
    const g = $("#general-error");
    const unplaced = Object.keys(errors || {}).filter(
      (f) => !$(`small.err[data-err="${CSS.escape(f)}"]`)
    );
    const text = [general || "", ...unplaced.map((f) => `${f}: ${errors[f]}`)]
      .filter(Boolean)
      .join(" ");
    g.textContent = text;
    g.hidden = !text;
  }

  function showDefaults(defaults) {
    for (const [field, d] of Object.entries(defaults || {})) {
      const box = $(`.slider[data-field="${CSS.escape(field)}"]`);
      if (!box) continue;
      const num = $(".num", box);
      num.placeholder = d.value;
      $(".default", box).textContent = d.text;
      $(".default", box).title = d.text;
      if (!num.value && d.value !== "") $(".range", box).value = d.value;
    }
  }

  function setPlanDownloads(ok) {
    $$('button[formaction^="/download/plan"]').forEach((b) => (b.disabled = !ok));
  }

  // One request at a time: changes made meanwhile are sent together when it returns.
  let inflight = false;
  let dirty = false;

  async function solve() {
    if (inflight) {
      dirty = true;
      return;
    }
    inflight = true;
    dirty = false;
    const mine = ++seq;
    busy(true, "solving…");
    let data;
    try {
      const resp = await post("/solve");
      data = await resp.json();
    } catch (err) {
      data = null;
    }
    inflight = false;
    if (dirty) {
      solve(); // the form changed while this one was solved: solve what it is now
      return;
    }
    if (mine !== seq) return;
    busy(false);
    if (data === null) {
      showErrors({}, "The server did not answer; is `mealplan serve` still running?");
      return;
    }
    showErrors(data.errors, data.error);
    showDefaults(data.defaults);
    const result = $("#result");
    if (data.html !== null) {
      result.innerHTML = data.html;
    } else {
      const r = $(".result", result);
      if (r) r.classList.add("stale");
    }
    setPlanDownloads(data.status === "plan");
    document.dispatchEvent(new CustomEvent("mealplan:solved", { detail: data }));
  }

  function later(ms) {
    clearTimeout(timer);
    timer = setTimeout(solve, ms);
  }

  function onChange(e) {
    const el = e.target;
    if (!el.name && !el.classList.contains("range")) return;
    if (NOT_SOLVE.has(el.name) || (el.form !== form && !el.classList.contains("range"))) return;
    if (el.classList.contains("range")) {
      const num = $(".num", el.closest(".slider"));
      num.value = el.value;
      num.classList.add("set");
      later(120);
      return;
    }
    if (el.classList.contains("num")) {
      const range = $(".range", el.closest(".slider"));
      el.classList.toggle("set", el.value.trim() !== "");
      if (el.value.trim() !== "" && !isNaN(Number(el.value))) range.value = el.value;
    }
    later(e.type === "input" && el.type !== "checkbox" && el.type !== "radio" ? 400 : 60);
  }
  document.addEventListener("input", onChange);
  document.addEventListener("change", (e) => {
    if (e.target.type === "checkbox" || e.target.type === "radio" || e.target.tagName === "SELECT")
      onChange(e);
  });

  $$(".slider .reset").forEach((b) =>
    b.addEventListener("click", () => {
      const box = b.closest(".slider");
      const num = $(".num", box);
      num.value = "";
      num.classList.remove("set");
      if (num.placeholder) $(".range", box).value = num.placeholder;
      later(10);
    })
  );

  // --- foods: search with suggestions, exclude, pin, why not --------------------------
  const search = $("#food-search");
  const list = $("#food-list");
  let searchTimer = null;
  search.addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(async () => {
      const q = search.value.trim();
      if (q.length < 2 || / — /.test(q)) return;
      const resp = await fetch(`/api/foods?q=${encodeURIComponent(q)}&limit=25`, {
        credentials: "same-origin",
      });
      if (!resp.ok) return;
      const data = await resp.json();
      list.replaceChildren(
        ...data.foods.map((f) => {
          const o = document.createElement("option");
          o.value = `${f.id} — ${f.name}`;
          if (!f.candidate) o.label = `${f.name} (${f.exclusion_reason})`;
          return o;
        })
      );
    }, 200);
  });

  function picked() {
    const v = search.value.trim();
    const m = v.match(/^(\S+) — (.*)$/);
    return m ? { code: m[1], name: m[2], text: v } : { code: "", name: v, text: v };
  }

  function addChip(boxId, name, value, label) {
    const box = $(boxId);
    if ($$(`input[name="${name}"]`, box).some((i) => i.value === value)) return;
    const chip = document.createElement("span");
    chip.className = "chip";
    const hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = name;
    hidden.value = value;
    const x = document.createElement("button");
    x.type = "button";
    x.className = "unchip";
    x.setAttribute("aria-label", "remove");
    x.textContent = "×";
    chip.append(hidden, document.createTextNode(label), x);
    box.append(chip);
    later(10);
  }

  document.addEventListener("click", (e) => {
    if (e.target.classList.contains("unchip")) {
      e.target.closest(".chip").remove();
      later(10);
    }
  });
  $("#do-exclude").addEventListener("click", () => {
    const p = picked();
    if (p.text) addChip("#excluded", "foods.exclude", p.code || p.text, p.code ? `${p.code} (${p.name})` : p.text);
  });
  $("#do-pin").addEventListener("click", () => {
    const p = picked();
    if (!p.code) return showErrors({ pin: "Pick a food from the suggestions to pin it." });
    addChip("#pinned", "pin", `${p.code}=1`, `${p.code}=1 (${p.name})`);
  });

  async function fill(target, url, extra, note) {
    const box = $(target);
    box.innerHTML = `<p class="small">${note}</p>`;
    try {
      const resp = await post(url, extra);
      box.innerHTML = await resp.text();
    } catch (err) {
      box.innerHTML = '<p class="error-box">The server did not answer.</p>';
    }
  }
  $("#do-whynot").addEventListener("click", () =>
    fill("#whynot", "/why-not", { "whynot.food": picked().code || picked().text }, "solving with and without it…")
  );
  $("#do-week").addEventListener("click", async (e) => {
    e.target.disabled = true;
    await fill("#week", "/week", {}, "making the week: about 15 seconds…");
    e.target.disabled = false;
  });
  $("#do-compare").addEventListener("click", () => fill("#compare", "/compare", {}, "solving both…"));

  // --- save, downloads, and Enter in a field ------------------------------------------
  async function save() {
    const status = $("#save-status");
    status.textContent = "saving…";
    const resp = await post("/profiles/save");
    const data = await resp.json();
    if (data.ok) {
      showErrors({}, "");
      status.textContent = data.message;
      for (const sel of ["#load-profile", "#compare-with"]) {
        const s = $(sel);
        if (!$$("option", s).some((o) => o.value === data.name)) {
          const o = document.createElement("option");
          o.value = data.name;
          o.textContent = sel === "#compare-with" ? `${data.name} (saved)` : data.name;
          s.prepend(o);
        }
      }
    } else {
      status.textContent = "Not saved (the saved file is unchanged)";
      showErrors(data.errors, data.error);
    }
  }

  async function download(button) {
    const resp = await post(button.getAttribute("formaction"));
    if (!resp.ok) {
      showErrors({}, await resp.text());
      return;
    }
    const name = (resp.headers.get("Content-Disposition") || "").match(/filename="([^"]+)"/);
    const url = URL.createObjectURL(await resp.blob());
    const a = document.createElement("a");
    a.href = url;
    a.download = name ? name[1] : "download";
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  // Enter in a field re-solves now (the form's default button would be "Save profile").
  document.addEventListener("keydown", (e) => {
    const el = e.target;
    if (e.key === "Enter" && el.tagName === "INPUT" && (el.form === form || el === search)) {
      e.preventDefault();
      if (el === search) return;
      if (el.name === "whynot.servings") $("#do-whynot").click();
      else if (el.name === "save_as") save();
      else later(0);
    }
  });

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const b = e.submitter;
    const action = b && b.getAttribute("formaction");
    if (action === "/profiles/save") save();
    else if (action && action.startsWith("/download/")) download(b);
    else later(0);
  });
  setPlanDownloads(!!$('#result .result[data-status="plan"]'));
})();
