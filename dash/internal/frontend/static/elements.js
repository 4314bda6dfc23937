// dash frontend: the renderers of the inputs, outputs and layouts beyond
// the core ones in app.js (dash/elements_*.go, layout_containers.go, chart.go,
// download.go, upload_file.go). They plug into the core's registry through
// window.dash (app.js), which also lends its helpers: h builds elements,
// setValue sends a widget's value (or stages it in a form), send sends a
// protocol message.
(() => {
  "use strict";

  const { register, h, send, setValue, checkWidget } = window.dash;

  function common(el, label, control, p) {
    label.textContent = p.label;
    if (p.help) el.title = p.help; else el.removeAttribute("title");
    if (control) control.disabled = !!p.disabled;
  }
  function labelled(control, cls) {
    const label = h("label", { class: "dash-label" });
    const el = h("div", { class: "dash-widget " + cls }, label, control);
    return { el, label };
  }
  function formatBytes(n) {
    if (n >= 1 << 30) return (n / (1 << 30)).toFixed(1).replace(/\.0$/, "") + " GiB";
    if (n >= 1 << 20) return (n / (1 << 20)).toFixed(1).replace(/\.0$/, "") + " MiB";
    if (n >= 1 << 10) return (n / (1 << 10)).toFixed(1).replace(/\.0$/, "") + " KiB";
    return n + " B";
  }

  // --- inputs ---

  register("toggle", checkWidget("dash-toggle", { role: "switch" }, () => h("span", { class: "dash-switch" })));

  // Two range inputs stacked on one track; only their handles take the
  // pointer, and a bar between them shows the selected range.
  register("range_slider", (p, ctx, id) => {
    const lo = h("input", { type: "range", "aria-label": "from" });
    const hi = h("input", { type: "range", "aria-label": "to" });
    const fill = h("div", { class: "dash-range-fill" });
    const track = h("div", { class: "dash-range-track" }, h("div", { class: "dash-range-rail" }), fill, lo, hi);
    const shown = h("output", { class: "dash-slider-value" });
    const { el, label } = labelled(h("div", { class: "dash-slider-row dash-range" }, track, shown), "dash-range-slider");
    const show = () => {
      const span = (+lo.max - +lo.min) || 1;
      const a = (+lo.value - +lo.min) / span * 100, b = (+hi.value - +lo.min) / span * 100;
      // The handles' centres run from half a handle in on either side.
      fill.style.left = `calc(.5rem + (100% - 1rem) * ${a / 100})`;
      fill.style.width = `calc((100% - 1rem) * ${(b - a) / 100})`;
      shown.textContent = `${lo.value} – ${hi.value}`;
    };
    // The handles may not cross: moving one past the other pushes it.
    lo.addEventListener("input", () => { if (+lo.value > +hi.value) hi.value = lo.value; show(); });
    hi.addEventListener("input", () => { if (+hi.value < +lo.value) lo.value = hi.value; show(); });
    const commit = () => setValue(ctx, id, [Number(lo.value), Number(hi.value)]);
    lo.addEventListener("change", commit);
    hi.addEventListener("change", commit);
    const update = (p) => {
      common(el, label, null, p);
      for (const r of [lo, hi]) { r.min = p.min; r.max = p.max; r.step = p.step; r.disabled = !!p.disabled; }
      if (document.activeElement !== lo && document.activeElement !== hi) { lo.value = p.value[0]; hi.value = p.value[1]; }
      show();
    };
    update(p);
    return { el, update };
  });

  register("text_area", (p, ctx, id) => {
    const area = h("textarea", { rows: 4 });
    const { el, label } = labelled(area, "dash-text-area");
    area.addEventListener("change", () => setValue(ctx, id, area.value));
    const update = (p) => {
      common(el, label, area, p);
      if (document.activeElement !== area && area.value !== p.value) area.value = p.value;
    };
    update(p);
    return { el, update };
  });

  register("radio", (p, ctx, id) => {
    const group = h("div", { class: "dash-radio-group", role: "radiogroup" });
    const { el, label } = labelled(group, "dash-radio");
    const update = (p) => {
      common(el, label, null, p);
      group.replaceChildren(...(p.options || []).map((o, i) => {
        const input = h("input", { type: "radio", name: "r-" + id, value: i });
        input.checked = i === p.value;
        input.disabled = !!p.disabled;
        input.addEventListener("change", () => { if (input.checked) setValue(ctx, id, i); });
        return h("label", {}, input, h("span", { text: o }));
      }));
    };
    update(p);
    return { el, update };
  });

  register("multiselect", (p, ctx, id) => {
    const chips = h("div", { class: "dash-chips" });
    const add = h("select", { "aria-label": "add an option" });
    const { el, label } = labelled(h("div", { class: "dash-multiselect-box" }, chips, add), "dash-multiselect");
    let chosen = [];
    let cur = p;
    const commit = () => setValue(ctx, id, chosen.slice().sort((a, b) => a - b));
    add.addEventListener("change", () => {
      const i = Number(add.value);
      if (add.value !== "" && !chosen.includes(i)) { chosen.push(i); draw(); commit(); }
    });
    const draw = () => {
      const opts = cur.options || [];
      chips.replaceChildren(...chosen.slice().sort((a, b) => a - b).map((i) => {
        const x = h("button", { type: "button", class: "dash-chip-remove", "aria-label": "remove " + opts[i], text: "×" });
        x.disabled = !!cur.disabled;
        x.addEventListener("click", () => { chosen = chosen.filter((j) => j !== i); draw(); commit(); });
        return h("span", { class: "dash-chip" }, h("span", { text: opts[i] }), x);
      }));
      add.replaceChildren(h("option", { value: "", text: chosen.length ? "Add…" : "Choose options" }),
        ...opts.map((o, i) => chosen.includes(i) ? null : h("option", { value: i, text: o })).filter(Boolean));
      add.value = "";
      add.disabled = !!cur.disabled;
    };
    const update = (p) => { cur = p; common(el, label, null, p); chosen = (p.value || []).slice(); draw(); };
    update(p);
    return { el, update };
  });

  register("date_input", (p, ctx, id) => {
    const input = h("input", { type: "date" });
    const { el, label } = labelled(input, "dash-date-input");
    input.addEventListener("change", () => { if (input.value) setValue(ctx, id, input.value); });
    const update = (p) => {
      common(el, label, input, p);
      if (document.activeElement !== input) input.value = p.value;
    };
    update(p);
    return { el, update };
  });

  register("file_uploader", (p, ctx, id) => {
    const input = h("input", { type: "file" });
    const list = h("ul", { class: "dash-file-list" });
    const error = h("div", { class: "dash-upload-error", role: "alert", hidden: true });
    const clear = h("button", { type: "button", class: "dash-button small", text: "Clear" });
    const { el, label } = labelled(h("div", { class: "dash-upload-box" }, input, list, clear, error), "dash-file-uploader");
    const fail = (msg) => { error.textContent = msg; error.hidden = false; input.value = ""; };
    input.addEventListener("change", async () => {
      const files = Array.from(input.files || []);
      if (!files.length) return;
      error.hidden = true;
      const limit = (window.dash.limits() || {}).maxUploadSize || 0;
      const total = files.reduce((n, f) => n + f.size, 0);
      if (limit && total > limit) {
        fail(`File too large: ${formatBytes(total)} exceeds the upload limit of ${formatBytes(limit)}.`);
        return;
      }
      const body = new FormData();
      for (const f of files) body.append("file", f, f.name);
      const url = `${window.dash.base}/_dash/upload?session=${encodeURIComponent(window.dash.session())}&widget=${encodeURIComponent(id)}`;
      el.classList.add("dash-uploading");
      try {
        const resp = await fetch(url, { method: "POST", body, credentials: "same-origin" });
        if (resp.status === 413) {
          fail(`File too large: the server refused it (${(await resp.text()).trim()}).`);
        } else if (!resp.ok) {
          fail(`Upload refused: ${(await resp.text()).trim()}`);
        }
      } catch (e) {
        fail("Upload failed: " + e.message);
      } finally {
        el.classList.remove("dash-uploading");
      }
    });
    clear.addEventListener("click", () => { input.value = ""; error.hidden = true; setValue(ctx, id, []); });
    const update = (p) => {
      common(el, label, input, p);
      input.multiple = !!p.multiple;
      if (p.accept && p.accept.length) input.accept = p.accept.join(","); else input.removeAttribute("accept");
      const files = p.value || [];
      list.replaceChildren(...files.map((f) => h("li", { text: `${f.name} (${formatBytes(f.size)}, ${f.type})` })));
      clear.hidden = files.length === 0;
      if (files.length) input.value = "";
    };
    update(p);
    return { el, update };
  });

  register("download_button", (p, ctx, id) => {
    const a = h("a", { class: "dash-button", role: "button" });
    a.addEventListener("click", (e) => {
      if (a.getAttribute("aria-disabled") === "true") { e.preventDefault(); return; }
      // The browser follows the link to save the file; the trigger tells
      // the app it was clicked.
      a.href = `${window.dash.base}/_dash/download?session=${encodeURIComponent(window.dash.session())}&widget=${encodeURIComponent(id)}`;
      send({ type: "trigger", id });
    });
    const update = (p) => {
      a.textContent = p.label;
      a.download = p.fileName;
      a.href = "#";
      a.setAttribute("aria-disabled", p.disabled ? "true" : "false");
      a.classList.toggle("disabled", !!p.disabled);
      if (p.help) a.title = p.help;
    };
    update(p);
    return { el: h("div", { class: "dash-widget" }, a), update };
  });

  // --- outputs ---

  register("code", (p) => {
    const code = h("code");
    const lang = h("span", { class: "dash-code-lang" });
    const el = h("div", { class: "dash-code" }, lang, h("pre", {}, code));
    const update = (p) => { code.textContent = p.code; lang.textContent = p.language || ""; lang.hidden = !p.language; };
    update(p);
    return { el, update };
  });

  register("json", (p) => {
    const pre = h("pre", { class: "dash-json" });
    const update = (p) => { pre.textContent = p.json; };
    update(p);
    return { el: pre, update };
  });

  register("error_value", (p) => {
    const type = h("div", { class: "dash-exception-message" });
    const msg = h("pre", { class: "dash-exception-stack" });
    const el = h("div", { class: "dash-exception", role: "alert" }, type, msg);
    const update = (p) => { type.textContent = p.type; msg.textContent = p.message; };
    update(p);
    return { el, update };
  });

  register("image", (p) => {
    const img = h("img", { alt: "" });
    const cap = h("figcaption", { class: "dash-caption" });
    const el = h("figure", { class: "dash-image" }, img, cap);
    const update = (p) => {
      img.src = p.src;
      img.alt = p.caption || "";
      cap.textContent = p.caption || "";
      cap.hidden = !p.caption;
    };
    update(p);
    return { el, update };
  });

  register("chart", (p) => {
    const img = h("img", { class: "dash-chart-img" });
    const legend = h("div", { class: "dash-chart-legend" });
    const el = h("figure", { class: "dash-chart" }, img, legend);
    const update = (p) => {
      img.src = p.src;
      img.alt = `${p.kind} chart` + ((p.legend || []).length ? " of " + p.legend.map((l) => l.name).join(", ") : "");
      legend.replaceChildren(...(p.legend || []).map((l) => {
        const sw = h("span", { class: "dash-chart-swatch" });
        sw.style.background = l.color;
        return h("span", { class: "dash-chart-key" }, sw, h("span", { text: l.name }));
      }));
      legend.hidden = !(p.legend || []).length;
    };
    update(p);
    return { el, update };
  });

  register("progress", (p) => {
    const bar = h("div", { class: "dash-progress-bar" });
    const text = h("div", { class: "dash-caption" });
    const track = h("div", { class: "dash-progress", role: "progressbar", "aria-valuemin": 0, "aria-valuemax": 100 }, bar);
    const el = h("div", { class: "dash-progress-wrap" }, text, track);
    const update = (p) => {
      bar.style.width = `${Math.round(p.value * 1000) / 10}%`;
      track.setAttribute("aria-valuenow", Math.round(p.value * 100));
      text.textContent = p.text || "";
      text.hidden = !p.text;
    };
    update(p);
    return { el, update };
  });

  register("spinner", (p) => {
    const text = h("span");
    const el = h("div", { class: "dash-spinner", role: "status" }, h("span", { class: "dash-spin" }), text);
    const update = (p) => { text.textContent = p.text; };
    update(p);
    return { el, update };
  });

  register("divider", () => ({ el: h("hr", { class: "dash-divider" }), update() {} }));

  register("empty", () => {
    const el = h("div", { class: "dash-empty" });
    return { el, childEl: el, update() {} };
  });

  // Page config is not drawn: it sets the tab's title and icon and the
  // width of the main area.
  register("page_config", (p) => {
    const el = h("div", { hidden: true, class: "dash-page-config" });
    const update = (p) => {
      if (p.title) document.title = p.title;
      document.body.classList.toggle("dash-wide", !!p.wide);
      let link = document.querySelector("link[rel=icon]");
      if (p.icon) {
        if (!link) { link = h("link", { rel: "icon" }); document.head.append(link); }
        const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><text y=".9em" font-size="90">${p.icon.replace(/[<&>"]/g, "")}</text></svg>`;
        link.href = "data:image/svg+xml," + encodeURIComponent(svg);
      } else if (link) {
        link.remove();
      }
    };
    update(p);
    return { el, update };
  });

  register("dataframe", (p, ctx, id) => {
    const table = h("table");
    const info = h("span", { class: "dash-caption" });
    const prev = h("button", { type: "button", class: "dash-button small", "aria-label": "previous page", text: "‹" });
    const next = h("button", { type: "button", class: "dash-button small", "aria-label": "next page", text: "›" });
    const pager = h("div", { class: "dash-pager" }, prev, info, next);
    const el = h("div", { class: "dash-dataframe" }, h("div", { class: "dash-table" }, table), pager);
    let cur = p;
    // The view last asked for: a second click before the rerun's render
    // arrives builds on it, not on the view on screen.
    let pending = null;
    const latest = () => pending || cur.value;
    const view = (patch) => {
      pending = Object.assign({}, latest(), patch);
      setValue(ctx, id, pending);
    };
    prev.addEventListener("click", () => view({ page: latest().page - 1 }));
    next.addEventListener("click", () => view({ page: latest().page + 1 }));
    const update = (p) => {
      cur = p;
      pending = null;
      const v = p.value;
      const thead = h("thead", {}, h("tr", {}, ...p.columns.map((c, i) => {
        const arrow = v.sort === i ? (v.desc ? " ▼" : " ▲") : "";
        const th = h("th", { class: (p.numeric[i] ? "num " : "") + "sortable", tabindex: 0, text: c + arrow,
          "aria-sort": v.sort === i ? (v.desc ? "descending" : "ascending") : "none" });
        // Click cycles ascending, descending, unsorted.
        const cycle = () => {
          const l = latest();
          view(l.sort !== i ? { sort: i, desc: false, page: 0 }
            : !l.desc ? { desc: true, page: 0 } : { sort: -1, desc: false, page: 0 });
        };
        th.addEventListener("click", cycle);
        th.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); cycle(); } });
        return th;
      })));
      const tbody = h("tbody", {}, ...p.rows.map((row) =>
        h("tr", {}, ...row.map((c, i) => h("td", { class: p.numeric[i] ? "num" : "", text: c })))));
      table.replaceChildren(thead, tbody);
      const pages = Math.max(1, Math.ceil(p.totalRows / p.pageSize));
      const first = p.totalRows ? v.page * p.pageSize + 1 : 0;
      info.textContent = `Rows ${first}–${v.page * p.pageSize + p.rows.length} of ${p.totalRows} · page ${v.page + 1} of ${pages}`;
      prev.disabled = v.page <= 0;
      next.disabled = v.page >= pages - 1;
      pager.hidden = pages <= 1 && p.totalRows <= p.pageSize;
    };
    update(p);
    return { el, update };
  });

  // --- layout ---

  // Tabs: every tab's content is on the page; the selected one is shown.
  // The selection is the browser's, so it survives reruns.
  register("tabs", (p) => {
    const bar = h("div", { class: "dash-tab-bar", role: "tablist" });
    const panels = h("div", { class: "dash-tab-panels" });
    const el = h("div", { class: "dash-tabs" }, bar, panels);
    let active = 0;
    const show = () => {
      Array.from(panels.children).forEach((c, i) => { c.hidden = i !== active; });
      Array.from(bar.children).forEach((b, i) => {
        b.classList.toggle("active", i === active);
        b.setAttribute("aria-selected", i === active ? "true" : "false");
      });
    };
    // Panels arrive after the container is made (the core reconciles
    // children later); show them as they come.
    new MutationObserver(show).observe(panels, { childList: true });
    const update = (p) => {
      if (active >= p.labels.length) active = 0;
      bar.replaceChildren(...p.labels.map((l, i) => {
        const b = h("button", { type: "button", role: "tab", class: "dash-tab", text: l });
        b.addEventListener("click", () => { active = i; show(); });
        return b;
      }));
      show();
    };
    update(p);
    return { el, childEl: panels, update };
  });
  register("tab", () => {
    const el = h("div", { class: "dash-tab-panel", role: "tabpanel" });
    return { el, childEl: el, update() {} };
  });

  register("expander", (p) => {
    const summary = h("summary");
    const body = h("div", { class: "dash-expander-body" });
    const el = h("details", { class: "dash-expander" }, summary, body);
    let initial = null;
    const update = (p) => {
      summary.textContent = p.label;
      // The app's expanded flag sets the initial state; afterwards the
      // user's choice stands unless the app changes the flag.
      if (initial !== p.expanded) { el.open = !!p.expanded; initial = p.expanded; }
    };
    update(p);
    return { el, childEl: body, update };
  });

  register("container", (p) => {
    const el = h("div", { class: "dash-container" });
    const update = (p) => { el.classList.toggle("bordered", !!p.border); };
    update(p);
    return { el, childEl: el, update };
  });
})();
