// dash frontend: renders the element tree the server sends and sends widget
// events back. Protocol: docs/protocol.md. No dependencies, no build step.
//
// Elements are kept in a map by their stable id. A render message lists the
// whole tree; a node without props keeps the props it had, so unchanged
// elements are neither re-created nor touched, and an input the user is
// typing into keeps its focus and caret.
//
// More element kinds are added with dash.register(kind, factory): factory
// (props, ctx) returns {el, childEl?, update(props)}; childEl receives the
// node's children.
(() => {
  "use strict";

  const body = document.body;
  const base = body.dataset.base || "";
  const mainEl = document.getElementById("dash-main");
  const sidebarEl = document.getElementById("dash-sidebar");
  const sidebarBody = document.getElementById("dash-sidebar-body");
  const navEl = document.getElementById("dash-nav");
  const statusEl = document.getElementById("dash-status");
  const STORE = "dash.session";

  const renderers = Object.create(null);
  const nodes = new Map(); // id -> {el, childEl, kind, props, update, seen}
  let generation = 0;
  let ws = null;
  let sessionId = sessionStorage.getItem(STORE) || "";
  let page = body.dataset.page || "/";
  let pages = [];
  let retry = 0;
  let limits = {};
  let stopped = false;

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") el.className = v;
      else if (k === "text") el.textContent = v;
      else el.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) if (c) el.append(c);
    return el;
  }

  function send(msg) {
    if (ws && ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify(msg));
      setStatus("running", "Running…");
    }
  }

  function setStatus(kind, text) {
    statusEl.className = "dash-status " + (kind || "");
    statusEl.textContent = text || "";
  }

  // A widget's value goes to the server at once, or, inside a form, waits
  // in the form until its submit button is pressed.
  function setValue(ctx, id, value) {
    if (ctx.form) ctx.form.values[id] = value;
    else send({ type: "set", id, value });
  }

  function register(kind, factory) { renderers[kind] = factory; }

  // --- output elements ---

  function textEl(tag, cls) {
    return (p) => {
      const el = h(tag, { class: cls });
      const update = (p) => { el.textContent = p.text; };
      update(p);
      return { el, update };
    };
  }
  register("title", textEl("h1", "dash-title"));
  register("header", textEl("h2", "dash-header"));
  register("subheader", textEl("h3", "dash-subheader"));
  register("text", textEl("pre", "dash-text"));
  register("caption", textEl("p", "dash-caption"));

  // The server renders Markdown to HTML built tag by tag with every input
  // byte escaped (dash/internal/markdown), so it is safe to insert.
  register("markdown", (p) => {
    const el = h("div", { class: "dash-markdown" });
    const update = (p) => { el.innerHTML = p.html; };
    update(p);
    return { el, update };
  });

  register("alert", (p) => {
    const el = h("div", { role: "alert" });
    const update = (p) => {
      el.className = "dash-alert dash-alert-" + p.level;
      el.textContent = p.text;
    };
    update(p);
    return { el, update };
  });

  register("exception", (p) => {
    const msg = h("div", { class: "dash-exception-message" });
    const stack = h("pre", { class: "dash-exception-stack" });
    const el = h("div", { class: "dash-exception", role: "alert" }, msg, stack);
    const update = (p) => {
      msg.textContent = "panic: " + p.message;
      stack.textContent = p.stack || "";
      stack.hidden = !p.stack;
    };
    update(p);
    return { el, update };
  });

  register("metric", (p) => {
    const label = h("div", { class: "dash-metric-label" });
    const value = h("div", { class: "dash-metric-value" });
    const delta = h("div", { class: "dash-metric-delta" });
    const el = h("div", { class: "dash-metric" }, label, value, delta);
    const update = (p) => {
      label.textContent = p.label;
      value.textContent = p.value;
      delta.textContent = p.delta ? (p.delta.startsWith("-") ? "↓ " + p.delta.slice(1) : "↑ " + p.delta) : "";
      delta.className = "dash-metric-delta " + (p.delta && p.delta.startsWith("-") ? "down" : "up");
      delta.hidden = !p.delta;
    };
    update(p);
    return { el, update };
  });

  register("table", (p) => {
    const el = h("div", { class: "dash-table" });
    const update = (p) => {
      const thead = h("thead", {}, h("tr", {}, ...p.columns.map((c, i) =>
        h("th", { class: p.numeric[i] ? "num" : "", text: c }))));
      const tbody = h("tbody");
      for (const row of p.rows) {
        tbody.append(h("tr", {}, ...row.map((c, i) => h("td", { class: p.numeric[i] ? "num" : "", text: c }))));
      }
      const table = h("table", {}, thead, tbody);
      const note = p.totalRows > p.rows.length
        ? h("p", { class: "dash-caption", text: `Showing ${p.rows.length} of ${p.totalRows} rows.` }) : null;
      el.replaceChildren(table, note || "");
    };
    update(p);
    return { el, update };
  });

  // --- layout ---

  register("columns", () => {
    const el = h("div", { class: "dash-columns" });
    return { el, childEl: el, update() {} };
  });
  register("column", (p) => {
    const el = h("div", { class: "dash-column" });
    const update = (p) => { el.style.flex = `${p.width} 1 0`; };
    update(p);
    return { el, childEl: el, update };
  });
  register("fragment", () => {
    const el = h("div", { class: "dash-fragment" });
    return { el, childEl: el, update() {} };
  });
  register("form", () => {
    const el = h("form", { class: "dash-form" });
    // Enter in a text field must not navigate; the submit button decides.
    el.addEventListener("submit", (e) => e.preventDefault());
    return { el, childEl: el, update() {}, form: { values: {} } };
  });

  // --- widgets ---

  // labelled wraps control with its label; input is the element the label
  // names (for screen readers and clicks on the label).
  function labelled(id, input, control, cls) {
    input.id = "dash-" + id;
    const label = h("label", { class: "dash-label", for: input.id });
    const el = h("div", { class: "dash-widget " + cls }, label, control);
    return { el, label };
  }
  function common(el, label, control, p) {
    label.textContent = p.label;
    if (p.help) el.title = p.help; else el.removeAttribute("title");
    control.disabled = !!p.disabled;
  }
  // An input the user is editing keeps what they typed.
  function setIfIdle(input, v) {
    if (document.activeElement !== input && input.value !== String(v)) input.value = v;
  }

  register("button", (p, ctx, id) => {
    const btn = h("button", { type: "button", class: "dash-button" });
    btn.addEventListener("click", () => send({ type: "trigger", id }));
    const update = (p) => {
      btn.textContent = p.label;
      btn.disabled = !!p.disabled;
      if (p.help) btn.title = p.help;
    };
    update(p);
    return { el: h("div", { class: "dash-widget" }, btn), update };
  });

  register("submit_button", (p, ctx, id) => {
    const btn = h("button", { type: "submit", class: "dash-button primary" });
    btn.addEventListener("click", (e) => {
      e.preventDefault();
      const form = ctx.form;
      const values = form ? form.values : {};
      send({ type: "submit", form: ctx.formId, id, values });
      if (form) form.values = {};
    });
    const update = (p) => { btn.textContent = p.label; btn.disabled = !!p.disabled; };
    update(p);
    return { el: h("div", { class: "dash-widget" }, btn), update };
  });

  // checkWidget renders a labelled checkbox input (a Checkbox, or a Toggle
  // styled as a switch by its extra decoration).
  const checkWidget = (cls, attrs, decoration) => (p, ctx, id) => {
    const box = h("input", { type: "checkbox", ...attrs });
    const text = h("span");
    const label = decoration ? h("label", {}, box, decoration(), text) : h("label", {}, box, text);
    const el = h("div", { class: "dash-widget " + cls }, label);
    box.addEventListener("change", () => setValue(ctx, id, box.checked));
    const update = (p) => {
      text.textContent = p.label;
      box.checked = !!p.value;
      box.disabled = !!p.disabled;
      if (p.help) el.title = p.help;
    };
    update(p);
    return { el, update };
  };

  register("checkbox", checkWidget("dash-checkbox", {}));

  register("slider", (p, ctx, id) => {
    const range = h("input", { type: "range" });
    const shown = h("output", { class: "dash-slider-value" });
    const { el, label } = labelled(id, range, h("div", { class: "dash-slider-row" }, range, shown), "dash-slider");
    range.addEventListener("input", () => { shown.textContent = range.value; });
    range.addEventListener("change", () => setValue(ctx, id, Number(range.value)));
    const update = (p) => {
      common(el, label, range, p);
      range.min = p.min; range.max = p.max; range.step = p.step;
      if (document.activeElement !== range) range.value = p.value;
      shown.textContent = range.value;
    };
    update(p);
    return { el, update };
  });

  register("selectbox", (p, ctx, id) => {
    const select = h("select");
    const { el, label } = labelled(id, select, select, "dash-selectbox");
    select.addEventListener("change", () => setValue(ctx, id, select.selectedIndex));
    const update = (p) => {
      common(el, label, select, p);
      select.replaceChildren(...(p.options || []).map((o) => h("option", { text: o })));
      select.selectedIndex = p.value;
    };
    update(p);
    return { el, update };
  });

  register("text_input", (p, ctx, id) => {
    const input = h("input", { type: "text" });
    const { el, label } = labelled(id, input, input, "dash-text-input");
    input.addEventListener("change", () => setValue(ctx, id, input.value));
    const update = (p) => { common(el, label, input, p); setIfIdle(input, p.value); };
    update(p);
    return { el, update };
  });

  register("number_input", (p, ctx, id) => {
    const input = h("input", { type: "number" });
    const { el, label } = labelled(id, input, input, "dash-number-input");
    input.addEventListener("change", () => {
      const v = input.valueAsNumber;
      if (Number.isFinite(v)) setValue(ctx, id, v);
    });
    const update = (p) => { common(el, label, input, p); input.step = p.step; setIfIdle(input, p.value); };
    update(p);
    return { el, update };
  });

  function unknownKind(kind) {
    return () => {
      const el = h("div", { class: "dash-alert dash-alert-warning", text: `This page uses a "${kind}" element this frontend cannot show.` });
      return { el, update() {} };
    };
  }

  // --- reconciliation ---

  // reconcile makes parent's children the elements of list, in order,
  // reusing elements by id. In a partial frame (a run still going) the
  // elements it does not list stay, greyed, until the final frame.
  function reconcile(parent, list, ctx, partial) {
    // Positions are recomputed by index after each child: reconciling a
    // subtree may move an element (a keyed widget changing container) out
    // of this parent, so a remembered sibling could go stale.
    list.forEach((w, i) => {
      let rec = nodes.get(w.id);
      const props = w.props !== undefined ? w.props : (rec ? rec.props : {});
      if (!rec || rec.kind !== w.kind) {
        if (rec) rec.el.remove();
        const factory = renderers[w.kind] || unknownKind(w.kind);
        const inst = factory(props, ctx, w.id);
        rec = { kind: w.kind, el: inst.el, childEl: inst.childEl, update: inst.update, form: inst.form, props };
        rec.el.dataset.id = w.id;
        nodes.set(w.id, rec);
      } else if (w.props !== undefined) {
        rec.update(props);
        rec.props = props;
      }
      rec.seen = generation;
      rec.el.classList.remove("dash-stale");
      if (rec.childEl) {
        const childCtx = rec.form ? { form: rec.form, formId: w.id } : ctx;
        reconcile(rec.childEl, w.children || [], childCtx, partial);
      }
      const at = parent.children[i] || null;
      if (at !== rec.el) parent.insertBefore(rec.el, at);
    });
    for (let i = parent.children.length - 1; i >= list.length; i--) {
      const el = parent.children[i];
      if (partial) el.classList.add("dash-stale");
      else el.remove();
    }
  }

  function render(msg) {
    generation++;
    if (msg.page !== page) {
      page = msg.page;
      if (location.pathname !== base + page) history.pushState({ page }, "", base + page);
      renderNav();
    }
    const ctx = { form: null, formId: "" };
    reconcile(mainEl, msg.main || [], ctx, msg.running);
    reconcile(sidebarBody, msg.sidebar || [], ctx, msg.running);
    if (!msg.running) {
      for (const [id, rec] of nodes) if (rec.seen !== generation) nodes.delete(id);
      setStatus("", "");
    } else {
      setStatus("running", "Running…");
    }
    sidebarEl.hidden = sidebarBody.childElementCount === 0 && pages.length < 2;
  }

  function renderNav() {
    const current = pages.find((p) => p.path === page);
    if (current && current.title) document.title = current.title;
    if (pages.length < 2) { navEl.replaceChildren(); return; }
    navEl.replaceChildren(...pages.map((p) => {
      const a = h("a", { href: base + p.path, class: p.path === page ? "active" : "", text: p.title || p.path });
      a.addEventListener("click", (e) => {
        if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        navigate(p.path, true);
      });
      return a;
    }));
  }

  function navigate(path, push) {
    if (path === page) return;
    page = path;
    if (push) history.pushState({ page }, "", base + path);
    renderNav();
    send({ type: "navigate", page: path });
  }
  window.addEventListener("popstate", () => {
    const path = location.pathname.slice(base.length) || "/";
    if (pages.some((p) => p.path === path)) navigate(path, false);
  });

  // --- connection ---

  function connect() {
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    ws = new WebSocket(`${proto}//${location.host}${base}/_dash/ws`);
    setStatus("connecting", retry ? "Reconnecting…" : "Connecting…");
    ws.onopen = () => ws.send(JSON.stringify({ type: "hello", session: sessionId, page }));
    ws.onmessage = (ev) => {
      let msg;
      try { msg = JSON.parse(ev.data); } catch { return; }
      switch (msg.type) {
        case "welcome":
          retry = 0;
          sessionId = msg.session;
          sessionStorage.setItem(STORE, sessionId);
          pages = msg.pages || [];
          limits = msg.limits || {};
          page = msg.page;
          applyTheme(msg.theme || {});
          renderNav();
          break;
        case "render":
          render(msg);
          break;
        case "error":
          console.warn("dash:", msg.error, msg.ref ? `(${msg.ref})` : "");
          setStatus("", "");
          break;
      }
    };
    ws.onclose = (ev) => {
      ws = null;
      if (stopped) return;
      if (ev.code === 4001) {
        stopped = true;
        setStatus("error", "This session is now open in another tab or window. Reload to continue here.");
        return;
      }
      // 1013 (try again later): the server refused a new session because
      // it, or this client's share of it, is full. Say so and wait the time
      // it names instead of reconnecting in a loop.
      const busy = ev.code === 1013 && /retry in (\d+) s/.exec(ev.reason || "");
      if (busy) {
        let left = Math.max(1, parseInt(busy[1], 10));
        const show = () => setStatus("error", `The server is busy (too many sessions). Retrying in ${left} s…`);
        show();
        const tick = setInterval(() => {
          left--;
          if (left > 0) { show(); return; }
          clearInterval(tick);
          connect();
        }, 1000);
        return;
      }
      retry++;
      const delay = Math.min(5000, 250 * 2 ** Math.min(retry, 5));
      setStatus("connecting", "Connection lost. Reconnecting…");
      setTimeout(connect, delay);
    };
  }

  function applyTheme(t) {
    body.classList.toggle("dash-dark", t.base === "dark");
    if (t.primaryColor) body.style.setProperty("--dash-primary", t.primaryColor);
  }

  // A duplicated tab inherits sessionStorage, and with it the session id.
  // Ask other tabs whether they hold that session; if one does, start a
  // fresh session instead of taking the other tab's over.
  function start() {
    if (typeof BroadcastChannel === "undefined") { connect(); return; }
    const ch = new BroadcastChannel("dash-sessions");
    let waiting = !!sessionId;
    const go = () => { if (waiting) { waiting = false; connect(); } };
    ch.onmessage = (ev) => {
      const d = ev.data || {};
      if (d.ask && d.ask === sessionId && ws) ch.postMessage({ have: d.ask });
      else if (waiting && d.have === sessionId) {
        sessionId = "";
        sessionStorage.removeItem(STORE);
        go();
      }
    };
    if (!waiting) { connect(); return; }
    ch.postMessage({ ask: sessionId });
    setTimeout(go, 150);
  }

  // Renderers in other scripts (elements.js) use these helpers. They
  // register when they load; start waits for the document so every script
  // has loaded before the first render.
  window.dash = {
    register, h, send, setValue, base, checkWidget,
    session: () => sessionId,
    limits: () => limits,
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
