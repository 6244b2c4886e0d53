// @ts-check
// The metrics sidebar view: one card per function with its 5-minute numbers, its cost
// per invocation and a bar chart of recent durations. Plain browser JavaScript under a
// strict CSP, type-checked against the message shapes in extension/webviews/messages.ts
// (`npx tsc -p media`).

/** @typedef {import("../extension/webviews/messages").ToMetricsView} ToMetricsView */
/** @typedef {import("../extension/webviews/messages").FromMetricsView} FromMetricsView */
/** @typedef {import("../extension/webviews/messages").FunctionMetrics} FunctionMetrics */
/** @typedef {import("../extension/webviews/messages").FunctionCost} FunctionCost */
/** @typedef {import("../extension/webviews/messages").MetricsSample} MetricsSample */

(function () {
  "use strict";

  /** @type {import("../extension/webviews/messages").WebviewApi<FromMetricsView, never>} */
  // @ts-expect-error the webview host's global, callable once per page (declared nowhere: a .d.ts here would ship in the .vsix)
  const vscode = acquireVsCodeApi();

  const SVG_NS = "http://www.w3.org/2000/svg";
  /** Bars in a chart; fixed slots so a few invocations do not become fat bars. */
  const CHART_SLOTS = 50;
  /** The chart's own units (it scales to the view's width, text with it). */
  const CHART_W = 240;
  const CHART_H = 92;
  /** Room around the bars for the axes' labels. */
  const PLOT = { left: 40, right: 4, top: 10, bottom: 14 };
  /** Room at the top of a bar for the cold-start cap. */
  const CAP_H = 3;

  const app = document.getElementById("app") || document.body.appendChild(document.createElement("main"));
  const status = el("p", { id: "status", class: "status", role: "status", "aria-live": "polite" });
  const list = el("div", { id: "functions", class: "functions" });
  app.replaceChildren(status, list);

  /** The last message rendered, to skip rebuilding (and losing hover tooltips) when nothing changed. */
  let lastJson = "";

  /**
   * @template {keyof HTMLElementTagNameMap} K
   * @param {K} tag
   * @param {Record<string, unknown> | null} [props]
   * @param {(Node | string | null | undefined | false)[]} [children]
   * @returns {HTMLElementTagNameMap[K]}
   */
  function el(tag, props, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = String(value);
      else if (key === "text") node.textContent = String(value);
      else node.setAttribute(key, String(value));
    }
    for (const child of children || []) if (child) node.append(child);
    return node;
  }

  /**
   * @template {keyof SVGElementTagNameMap} K
   * @param {K} tag
   * @param {Record<string, string | number>} [attrs]
   * @returns {SVGElementTagNameMap[K]}
   */
  function svg(tag, attrs) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, String(value));
    return node;
  }

  /** @param {number | undefined} v @param {number} [digits] */
  function fmtMs(v, digits) {
    return typeof v === "number" && isFinite(v) ? v.toFixed(digits === undefined ? 1 : digits) + " ms" : "–";
  }

  /** Two significant digits for tiny prices, never fewer than two decimals. @param {number} value */
  function fmtMoney(value) {
    if (!isFinite(value)) return "–";
    if (value === 0) return "0.00";
    return value.toFixed(Math.min(12, Math.max(2, 1 - Math.floor(Math.log10(Math.abs(value))))));
  }

  /** @param {number} ms */
  function timeOf(ms) {
    return new Date(ms).toLocaleTimeString();
  }

  // ---- One card ------------------------------------------------------------------

  /** @param {string} label @param {string} value @param {string} [cls] */
  function stat(label, value, cls) {
    return el("div", { class: "stat" }, [el("dt", { text: label }), el("dd", { class: cls, text: value })]);
  }

  /** @param {string} name */
  function nameButton(name) {
    const b = el("button", { type: "button", class: "fn-link", text: name, title: "Open the invoke panel for " + name });
    b.dataset.function = name;
    return b;
  }

  /** The smallest 1, 2 or 5 × 10^n at or above `v`: the top of the duration axis. @param {number} v */
  function niceCeil(v) {
    const power = Math.pow(10, Math.floor(Math.log10(Math.max(v, 0.001))));
    for (const step of [1, 2, 5, 10]) if (step * power >= v) return step * power;
    return 10 * power;
  }

  /** An axis label: whole milliseconds, or seconds from 1000 ms. @param {number} ms */
  function fmtTick(ms) {
    if (ms >= 1000) return +(ms / 1000).toFixed(1) + " s";
    return (ms < 1 && ms > 0 ? +ms.toFixed(2) : Math.round(ms)) + " ms";
  }

  /** @param {number} ms */
  function shortTime(ms) {
    return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  /**
   * The window's invocations as bars, oldest on the left: a duration axis (√ scale, ticks
   * labelled in ms) and a time axis (the first and last invocation's time). The bars are
   * the emulator's own samples, the ones the card's numbers count.
   * @param {string} name @param {MetricsSample[]} samples @param {number} total the window's invocations
   */
  function chart(name, samples, total) {
    if (samples.length === 0) return el("div", { class: "chart-empty", text: "no invocations in the last 5 min" });

    const top = niceCeil(Math.max(...samples.map((h) => h.durationMs), 0.001));
    const failed = samples.filter((h) => !h.ok && !h.throttled).length;
    const cold = samples.filter((h) => h.cold && !h.throttled).length;
    const root = svg("svg", {
      class: "chart",
      viewBox: "0 0 " + CHART_W + " " + CHART_H,
      role: "img",
      "aria-label":
        name + ": durations of the last " + samples.length + " invocations, up to " + fmtTick(top) + ", " + failed + " failed, " + cold + " cold starts",
    });
    const x0 = PLOT.left;
    const x1 = CHART_W - PLOT.right;
    const y0 = CHART_H - PLOT.bottom; // the time axis
    const y1 = PLOT.top;
    const room = y0 - y1 - CAP_H;
    // Square root scale: one cold start is often 100× a warm call, and a linear scale
    // would flatten every warm bar to nothing. The ticks say so: a quarter of the top sits halfway.
    const yOf = (/** @type {number} */ ms) => y0 - Math.sqrt(Math.max(0, ms) / top) * room;

    for (const tick of [0, top / 4, top]) {
      const y = yOf(tick);
      root.append(svg("line", { class: tick === 0 ? "axis" : "gridline", x1: x0, x2: x1, y1: y, y2: y }));
      const label = svg("text", { class: "tick y-tick", x: x0 - 3, y: y + 3, "text-anchor": "end" });
      label.textContent = fmtTick(tick);
      root.append(label);
    }
    root.append(svg("line", { class: "axis", x1: x0, x2: x0, y1: y1, y2: y0 }));
    const yTitle = svg("text", { class: "axis-title", x: x0, y: y1 - 1, "text-anchor": "start" });
    yTitle.textContent = "duration (√ scale)";
    root.append(yTitle);

    const first = svg("text", { class: "tick x-tick", x: x0, y: y0 + 10, "text-anchor": "start" });
    first.textContent = shortTime(samples[0].time);
    const last = svg("text", { class: "tick x-tick", x: x1, y: y0 + 10, "text-anchor": "end" });
    last.textContent = shortTime(samples[samples.length - 1].time);
    const xTitle = svg("text", { class: "axis-title", x: (x0 + x1) / 2, y: y0 + 10, "text-anchor": "middle" });
    xTitle.textContent = samples.length < total ? "last " + samples.length + " of " + total + " →" : "time →";
    root.append(first, last, xTitle);

    const slot = (x1 - x0) / CHART_SLOTS;
    const gap = slot * 0.2;
    // Newest on the right, like a scrolling strip; empty slots stay on the left.
    const offset = CHART_SLOTS - samples.length;
    samples.forEach((h, i) => {
      const y = Math.min(yOf(h.durationMs), y0 - 1);
      const x = x0 + (offset + i) * slot + gap / 2;
      const w = slot - gap;
      const g = svg("g", { class: "bar-group" });
      const title = svg("title");
      title.textContent =
        timeOf(h.time) + " · " + fmtMs(h.durationMs, 2) + (h.throttled ? " · throttled" : h.ok ? "" : " · failed") + (h.cold && !h.throttled ? " · cold start" : "");
      g.append(title);
      g.append(svg("rect", { class: h.ok ? "bar" : "bar failed", x, y, width: w, height: y0 - y }));
      if (h.cold && !h.throttled) g.append(svg("rect", { class: "cold-cap", x, y: y - CAP_H, width: w, height: CAP_H - 0.5 }));
      root.append(g);
    });
    return root;
  }

  function legend() {
    return el("div", { class: "legend", "aria-hidden": "true" }, [
      el("span", { class: "key bar-key" }),
      el("span", { text: "ok" }),
      el("span", { class: "key failed-key" }),
      el("span", { text: "failed" }),
      el("span", { class: "key cold-key" }),
      el("span", { text: "cold start" }),
    ]);
  }

  /** @param {string} name @param {FunctionMetrics | undefined} metrics @param {FunctionCost | undefined} cost */
  function card(name, metrics, cost) {
    const w5 = metrics && metrics.windows ? metrics.windows["5m"] : undefined;
    const w1h = metrics && metrics.windows ? metrics.windows["1h"] : undefined;
    const idle = (!w1h || w1h.invocations === 0) && !(metrics && metrics.concurrencyNow > 0);

    const header = el("div", { class: "card-header" }, [nameButton(name)]);
    if (idle) {
      header.append(el("span", { class: "muted small", text: "no invocations yet" }));
      return el("article", { class: "card idle", "aria-label": name }, [header]);
    }

    const m = w5 || { invocations: 0, errors: 0, throttles: 0, coldStarts: 0, duration: null, concurrencyPeak: 0 };
    header.append(el("span", { class: "muted small window", text: "last 5 min" }));
    const grid = el("dl", { class: "stats" }, [
      stat("invocations", String(m.invocations)),
      stat("errors", String(m.errors), m.errors > 0 ? "error" : undefined),
      stat("throttles", String(m.throttles), m.throttles > 0 ? "warn" : undefined),
      stat("cold starts", String(m.coldStarts)),
      stat("p50", m.duration ? fmtMs(m.duration.p50) : "–"),
      stat("p95", m.duration ? fmtMs(m.duration.p95) : "–"),
      stat("concurrency", (metrics ? metrics.concurrencyNow : 0) + " / " + m.concurrencyPeak),
    ]);
    grid.lastElementChild?.setAttribute("title", "running now / peak in the last 5 minutes");

    /** @type {Element[]} */
    const children = [header, grid];
    if (cost && cost.invocations > 0) {
      const line = el("div", { class: "cost", text: "≈ " + fmtMoney(cost.perInvocation) + " " + cost.currency + " per invocation" });
      if (cost.monthly) line.title = "≈ " + fmtMoney(cost.monthly.cost) + " " + cost.currency + "/month at the observed rate (" + cost.provider.toUpperCase() + " prices)";
      children.push(line);
    }
    children.push(chart(name, (metrics && metrics.recent) || [], m.invocations));
    return el("article", { class: "card", "aria-label": name }, children);
  }

  // ---- The list ------------------------------------------------------------------

  /** @param {ToMetricsView} msg */
  function render(msg) {
    if (!msg.connected) {
      status.textContent = "Emulator not running";
      status.hidden = false;
      list.replaceChildren();
      return;
    }

    const metricsByName = new Map((msg.functions || []).map((f) => [f.function, f]));
    const costByName = new Map((msg.costs || []).map((c) => [c.function, c]));
    const names = [...new Set([...metricsByName.keys(), ...(msg.names || [])])].sort((a, b) => a.localeCompare(b));

    if (names.length === 0) {
      status.textContent = "No functions in this project";
      status.hidden = false;
      list.replaceChildren();
      return;
    }
    status.textContent = "";
    status.hidden = true;

    // Keep keyboard focus on the same function's button across the rebuild.
    const focused = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.function : undefined;
    list.replaceChildren(...names.map((n) => card(n, metricsByName.get(n), costByName.get(n))));
    const anyChart = list.querySelector(".chart");
    if (anyChart) list.append(legend());
    if (focused !== undefined) {
      const again = [...list.querySelectorAll(".fn-link")].find((b) => b instanceof HTMLElement && b.dataset.function === focused);
      if (again instanceof HTMLElement) again.focus();
    }
  }

  list.addEventListener("click", (e) => {
    const button = e.target instanceof Element ? e.target.closest(".fn-link") : null;
    if (button instanceof HTMLElement && button.dataset.function) {
      vscode.postMessage({ type: "openInvokePanel", function: button.dataset.function });
    }
  });

  window.addEventListener("message", (/** @type {MessageEvent<ToMetricsView>} */ event) => {
    const msg = event.data;
    if (!msg || msg.type !== "metrics") return;
    const json = JSON.stringify(msg);
    if (json === lastJson) return;
    lastJson = json;
    render(msg);
  });

  status.textContent = "Waiting for metrics…";
  vscode.postMessage({ type: "ready" });
})();
