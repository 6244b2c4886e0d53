// @ts-check
// The invoke panel for one function: edit an event, invoke, read the result and the
// request's logs. Plain browser JavaScript under a strict CSP (no inline handlers, no
// innerHTML with data), type-checked against the message shapes in
// extension/webviews/messages.ts (`npx tsc -p media`).

/** @typedef {import("../extension/webviews/messages").ToInvokePanel} ToInvokePanel */
/** @typedef {import("../extension/webviews/messages").FromInvokePanel} FromInvokePanel */
/** @typedef {import("../extension/webviews/messages").PanelFunction} PanelFunction */
/** @typedef {import("../extension/webviews/messages").InvokeResult} InvokeResult */
/** @typedef {import("../extension/webviews/messages").InvocationCost} InvocationCost */
/** @typedef {import("../extension/webviews/messages").LogRecord} LogRecord */
/** @typedef {import("../extension/webviews/messages").SampleEvent} SampleEvent */
/** Persisted across the panel being hidden: the editor text and the chosen saved event. @typedef {{ text?: string; selected?: string; name?: string }} SavedState */
/** Something el() appends: a node, text, or nothing. @typedef {Node | string | null | undefined | false} Child */

(function () {
  "use strict";

  /** @type {import("../extension/webviews/messages").WebviewApi<FromInvokePanel, SavedState>} */
  // @ts-expect-error the webview host's global, callable once per page (declared nowhere: a .d.ts here would ship in the .vsix)
  const vscode = acquireVsCodeApi();

  /** @type {SavedState} */
  const saved = vscode.getState() || {};
  const state = {
    /** @type {PanelFunction | null} */
    fn: null,
    /** @type {SampleEvent[]} */
    templates: [],
    invoking: false,
    /** The request whose log lines are shown live; lines of any other request are not. @type {string | undefined} */
    requestId: undefined,
    /** Keys of the live log records shown for the current invocation, to drop repeats. */
    liveKeys: new Set(),
    jsonValid: false,
    /** Set by Escape so the next Tab leaves the editor instead of indenting (no keyboard trap). */
    tabEscapes: false,
  };

  // ---- Small DOM helpers -----------------------------------------------------------

  /**
   * An element with attributes (`class`, `text`, properties for non-string values) and children.
   * @template {keyof HTMLElementTagNameMap} K
   * @param {K} tag
   * @param {Record<string, unknown> | null} [props]
   * @param {Child[]} [children]
   * @returns {HTMLElementTagNameMap[K]}
   */
  function el(tag, props, children) {
    const node = document.createElement(tag);
    if (props) {
      for (const [key, value] of Object.entries(props)) {
        if (value === undefined || value === null || value === false) continue;
        if (key === "class") node.className = String(value);
        else if (key === "text") node.textContent = String(value);
        else if (key in node && typeof value !== "string") /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (node))[key] = value;
        else node.setAttribute(key, value === true ? "" : String(value));
      }
    }
    for (const child of children || []) if (child) node.append(child);
    return node;
  }

  /** @param {string} value @param {string} label */
  function option(value, label) {
    const o = document.createElement("option");
    o.value = value;
    o.textContent = label;
    return o;
  }

  // ---- Build the page ------------------------------------------------------------

  const app = document.getElementById("app") || document.body.appendChild(el("main", { id: "app" }));

  const banner = el("div", { id: "banner", class: "banner", role: "alert", hidden: true });
  const bannerText = el("span", { class: "banner-text" });
  const bannerClose = el("button", { type: "button", class: "icon-button", "aria-label": "Dismiss error", title: "Dismiss", text: "×" });
  banner.append(bannerText, bannerClose);

  const title = el("h1", { id: "fn-name", class: "fn-name", text: "…" });
  const meta = el("p", { id: "fn-meta", class: "fn-meta" });
  const header = el("header", { class: "header" }, [title, meta]);

  const savedSelect = el("select", { id: "saved-events" });
  const templateSelect = el("select", { id: "templates" });
  const nameInput = el("input", { id: "event-name", type: "text", placeholder: "event name", autocomplete: "off", spellcheck: "false" });
  const saveButton = el("button", { id: "save", type: "button", class: "secondary", text: "Save" });
  const deleteButton = el("button", { id: "delete", type: "button", class: "secondary", text: "Delete", disabled: true });

  /** @param {string} labelText @param {HTMLElement} control @param {string} [cls] */
  function field(labelText, control, cls) {
    return el("div", { class: "field " + (cls || "") }, [el("label", { for: control.id, text: labelText }), control]);
  }

  const eventToolbar = el("div", { class: "toolbar" }, [
    field("Saved event", savedSelect, "grow"),
    field("Template", templateSelect, "grow"),
    el("div", { class: "field save-group" }, [
      el("label", { for: "event-name", text: "Save as" }),
      el("div", { class: "inline" }, [nameInput, saveButton, deleteButton]),
    ]),
  ]);

  const editor = el("textarea", {
    id: "event",
    class: "editor",
    rows: "10",
    spellcheck: "false",
    autocomplete: "off",
    autocapitalize: "off",
    wrap: "off",
    "aria-describedby": "event-status event-help",
  });
  const eventStatus = el("div", { id: "event-status", class: "event-status", "aria-live": "polite" });
  const eventHelp = el("div", { id: "event-help", class: "hint", text: "Ctrl+Enter invokes · Tab indents (Esc then Tab leaves the editor)" });
  if (/Mac|iPhone|iPad/.test(navigator.platform || "")) eventHelp.textContent = eventHelp.textContent.replace("Ctrl+Enter", "⌘+Enter");

  const eventSection = el("section", { class: "section", "aria-labelledby": "event-heading" }, [
    el("h2", { id: "event-heading", text: "Event" }),
    eventToolbar,
    el("label", { for: "event", class: "visually-hidden", text: "Event JSON" }),
    editor,
    el("div", { class: "editor-footer" }, [eventStatus, eventHelp]),
  ]);

  const invokeLabel = el("span", { text: "Invoke" });
  const spinner = el("span", { class: "spinner", "aria-hidden": "true", hidden: true });
  const invokeButton = el("button", { id: "invoke", type: "button", class: "primary invoke" }, [spinner, invokeLabel]);
  const actions = el("div", { class: "actions" }, [invokeButton]);

  const statusBadge = el("span", { id: "result-status", class: "badge" });
  const requestInfo = el("span", { id: "result-request", class: "muted small" });
  const chips = el("div", { id: "result-chips", class: "chips" });
  const costLine = el("div", { id: "result-cost", class: "cost", hidden: true });
  const resultBody = el("pre", { id: "result-body", class: "code", tabindex: "0" });
  const errorLine = el("div", { id: "error", class: "error-line", hidden: true });
  const stack = el("pre", { id: "stack", class: "code stack", hidden: true, tabindex: "0" });
  const resultSection = el("section", { id: "result", class: "section", "aria-labelledby": "result-heading", "aria-live": "polite", hidden: true }, [
    el("h2", { id: "result-heading", text: "Result" }),
    el("div", { class: "status-line" }, [statusBadge, requestInfo]),
    chips,
    costLine,
    errorLine,
    stack,
    resultBody,
  ]);

  const openLogsButton = el("button", { id: "open-logs", type: "button", class: "secondary small-button", text: "Open in Output" });
  const logList = el("div", { id: "log-lines", class: "code logs", role: "log", "aria-live": "polite", tabindex: "0" });
  const logsEmpty = el("div", { class: "muted small", text: "No log lines yet. Invoke the function to see its output." });
  const logsSection = el("section", { id: "logs", class: "section", "aria-labelledby": "logs-heading" }, [
    el("div", { class: "section-header" }, [el("h2", { id: "logs-heading", text: "Logs" }), openLogsButton]),
    logsEmpty,
    logList,
  ]);

  // Input on the left, output on the right when the panel is wide enough (media query in
  // the CSS), else one column with the result right under Invoke: either way the result
  // is in view after an invoke without scrolling.
  const inputColumn = el("div", { class: "column input-column" }, [eventSection, actions]);
  const outputColumn = el("div", { class: "column output-column" }, [resultSection, logsSection]);
  app.replaceChildren(banner, header, el("div", { class: "workspace" }, [inputColumn, outputColumn]));

  // ---- Stack frames as links -------------------------------------------------------

  // A file path is absolute (POSIX or a Windows drive), possibly a file:// URL, as
  // Node.js and Python print them. Paths without a line number are not linked.
  const FRAME_PATTERNS = [
    // Python: File "/var/task/app.py", line 7 (not File "<string>", which has no file)
    /File "((?:\/|[A-Za-z]:[\\/])[^"]+)", line (\d+)/g,
    // Node.js in parentheses, which may contain spaces: (/path/to/file.js:3:1)
    /\(((?:file:\/\/)?(?:\/|[A-Za-z]:[\\/])[^()]*?):(\d+)(?::(\d+))?\)/g,
    // Bare: /var/task/index.js:12:5, file:///var/task/index.mjs:3:9, C:\x\y.js:1:2.
    // Not inside a word or URL, so node:internal/x.js:1:2 and https://h/x.js:1 stay text.
    /(?<![\w:./\\-])((?:file:\/\/)?(?:\/|[A-Za-z]:[\\/])[^\s()"':]+):(\d+)(?::(\d+))?/g,
  ];

  /** @param {string} raw */
  function toPath(raw) {
    if (!raw.startsWith("file://")) return raw;
    let p = raw.slice("file://".length);
    try {
      p = decodeURIComponent(p);
    } catch {
      // Keep the undecoded path: a stray % is better shown than dropped.
    }
    // file:///C:/x → C:/x
    return /^\/[A-Za-z]:/.test(p) ? p.slice(1) : p;
  }

  /**
   * The frames in one line, non-overlapping, in order.
   * @param {string} line
   * @returns {{ start: number; end: number; path: string; line: number; column?: number }[]}
   */
  function findFrames(line) {
    /** @type {ReturnType<typeof findFrames>} */
    const found = [];
    for (const pattern of FRAME_PATTERNS) {
      pattern.lastIndex = 0;
      let m;
      while ((m = pattern.exec(line))) {
        // Link the path and numbers, not the surrounding parentheses.
        const start = m.index + (m[0].startsWith("(") ? 1 : 0);
        const end = m.index + m[0].length - (m[0].endsWith(")") ? 1 : 0);
        if (found.some((f) => start < f.end && end > f.start)) continue;
        found.push({ start, end, path: toPath(m[1]), line: Number(m[2]), column: m[3] ? Number(m[3]) : undefined });
      }
    }
    return found.sort((a, b) => a.start - b.start);
  }

  /** Appends `text` to `parent`, with each stack frame in it as a link button. @param {HTMLElement} parent @param {string} text */
  function appendWithFrames(parent, text) {
    const lines = text.split("\n");
    lines.forEach((line, i) => {
      let pos = 0;
      for (const f of findFrames(line)) {
        if (f.start > pos) parent.append(line.slice(pos, f.start));
        const link = el("button", { type: "button", class: "frame-link", text: line.slice(f.start, f.end), title: "Open " + f.path + ":" + f.line });
        link.dataset.path = f.path;
        link.dataset.line = String(f.line);
        if (f.column !== undefined) link.dataset.column = String(f.column);
        parent.append(link);
        pos = f.end;
      }
      if (pos < line.length) parent.append(line.slice(pos));
      if (i < lines.length - 1) parent.append("\n");
    });
  }

  // One delegated listener for every frame link on the page.
  app.addEventListener("click", (e) => {
    const link = e.target instanceof Element ? e.target.closest(".frame-link") : null;
    if (!link || !(link instanceof HTMLElement)) return;
    vscode.postMessage({
      type: "openFrame",
      path: link.dataset.path || "",
      line: Number(link.dataset.line),
      column: link.dataset.column ? Number(link.dataset.column) : undefined,
    });
  });

  // ---- Header ----------------------------------------------------------------------

  /** @param {PanelFunction} fn */
  function renderHeader(fn) {
    title.textContent = fn.name;
    document.title = fn.name;
    const parts = [fn.runtime, fn.dialect === "aws" ? "AWS Lambda" : "SCF", fn.handler, fn.memoryMb + " MB", fn.timeoutSec + " s timeout"];
    meta.replaceChildren();
    parts.forEach((part, i) => {
      if (i > 0) meta.append(el("span", { class: "sep", "aria-hidden": "true", text: " · " }));
      meta.append(el("span", { class: i === 2 ? "mono" : undefined, text: String(part) }));
    });
    if (fn.isolated === false) {
      meta.append(
        el("span", {
          class: "badge warn not-isolated",
          text: "not isolated",
          title: "Runs as a local process: no container, no memory limit",
        }),
      );
    }
  }

  // ---- Event editor ----------------------------------------------------------------

  function persist() {
    vscode.setState({ text: editor.value, selected: savedSelect.value, name: nameInput.value });
  }

  function validate() {
    const text = editor.value;
    let message;
    if (!state.fn && !text.trim()) {
      // Before init: the event is on its way, not missing (no red "Empty" on load).
      state.jsonValid = false;
      eventStatus.textContent = "";
      eventStatus.classList.remove("error", "ok");
      editor.setAttribute("aria-invalid", "false");
      updateButtons();
      return;
    }
    if (!text.trim()) {
      message = "Empty: enter a JSON event, e.g. {}";
    } else {
      try {
        JSON.parse(text);
      } catch (err) {
        message = err instanceof Error ? err.message : String(err);
      }
    }
    state.jsonValid = message === undefined;
    eventStatus.textContent = message === undefined ? "valid JSON" : message;
    eventStatus.classList.toggle("error", !state.jsonValid);
    eventStatus.classList.toggle("ok", state.jsonValid);
    editor.setAttribute("aria-invalid", state.jsonValid ? "false" : "true");
    updateButtons();
  }

  function updateButtons() {
    invokeButton.disabled = state.invoking || !state.jsonValid;
    invokeLabel.textContent = state.invoking ? "Invoking…" : "Invoke";
    spinner.hidden = !state.invoking;
    invokeButton.setAttribute("aria-busy", state.invoking ? "true" : "false");
    deleteButton.disabled = !savedSelect.value;
    saveButton.disabled = !nameInput.value.trim() || !state.jsonValid;
    saveButton.title = !nameInput.value.trim() ? "Enter a name to save this event" : !state.jsonValid ? "Fix the JSON to save it" : "Save this event as “" + nameInput.value.trim() + "”";
  }

  /** @param {string} text */
  function setEditorText(text) {
    editor.value = text;
    validate();
    persist();
  }

  /** Inserts text at the caret the way typing would, so Undo still works. @param {string} text */
  function insertAtCaret(text) {
    editor.focus();
    if (!document.execCommand || !document.execCommand("insertText", false, text)) {
      editor.setRangeText(text, editor.selectionStart, editor.selectionEnd, "end");
      editor.dispatchEvent(new Event("input"));
    }
  }

  editor.addEventListener("input", () => {
    validate();
    persist();
  });

  editor.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      invoke();
      return;
    }
    if (e.key === "Escape") {
      state.tabEscapes = true;
      return;
    }
    if (e.key === "Tab" && !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey && !state.tabEscapes) {
      e.preventDefault();
      insertAtCaret("  ");
    }
    if (e.key !== "Shift") state.tabEscapes = false;
  });
  editor.addEventListener("blur", () => (state.tabEscapes = false));

  /** @param {string[]} names @param {string} [selected] */
  function setSavedNames(names, selected) {
    const keep = selected !== undefined ? selected : savedSelect.value;
    savedSelect.replaceChildren(option("", "(new event)"), ...names.map((n) => option(n, n)));
    savedSelect.value = names.includes(keep) ? keep : "";
    if (savedSelect.value && selected !== undefined) nameInput.value = savedSelect.value;
    updateButtons();
    persist();
  }

  /** @param {SampleEvent[]} templates */
  function setTemplates(templates) {
    state.templates = templates || [];
    templateSelect.replaceChildren(
      option("", state.templates.length ? "Insert a template…" : "(no templates)"),
      ...state.templates.map((t, i) => option(String(i), t.type + " (" + t.dialect + "): " + t.description)),
    );
    templateSelect.disabled = state.templates.length === 0;
  }

  savedSelect.addEventListener("change", () => {
    const name = savedSelect.value;
    if (name) {
      nameInput.value = name;
      vscode.postMessage({ type: "loadSaved", name });
    }
    updateButtons();
    persist();
  });

  templateSelect.addEventListener("change", () => {
    const template = state.templates && state.templates[Number(templateSelect.value)];
    if (templateSelect.value === "" || !template) return;
    setEditorText(JSON.stringify(template.event, null, 2));
    // The editor no longer holds the saved event, so Save should not silently overwrite it.
    savedSelect.value = "";
    // Back to the prompt so choosing the same template again inserts it again.
    templateSelect.value = "";
    updateButtons();
    persist();
    editor.focus();
  });

  nameInput.addEventListener("input", () => {
    updateButtons();
    persist();
  });
  nameInput.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !saveButton.disabled) save();
  });

  function save() {
    const name = nameInput.value.trim();
    if (!name || !state.jsonValid) return;
    vscode.postMessage({ type: "save", name, text: editor.value });
  }
  saveButton.addEventListener("click", save);

  deleteButton.addEventListener("click", () => {
    if (savedSelect.value) vscode.postMessage({ type: "deleteSaved", name: savedSelect.value });
  });

  // ---- Invoking --------------------------------------------------------------------

  function invoke() {
    if (state.invoking || !state.jsonValid) return;
    hideBanner();
    vscode.postMessage({ type: "invoke", text: editor.value });
  }
  invokeButton.addEventListener("click", invoke);

  /** @param {boolean} on @param {string} [requestId] */
  function setInvoking(on, requestId) {
    state.invoking = on;
    state.requestId = on ? requestId : undefined;
    resultSection.setAttribute("aria-busy", on ? "true" : "false");
    updateButtons();
  }

  // ---- Result ----------------------------------------------------------------------

  /** @param {number | undefined} ms @param {number} digits */
  function fmtMs(ms, digits) {
    return typeof ms === "number" && isFinite(ms) ? ms.toFixed(digits) + " ms" : "–";
  }

  /** Enough decimals to show two significant digits of a tiny price, at least `min`. @param {number} value @param {number} min */
  function fmtMoney(value, min) {
    if (!isFinite(value)) return "–";
    if (value === 0) return (0).toFixed(min);
    const decimals = Math.min(12, Math.max(min, 1 - Math.floor(Math.log10(Math.abs(value)))));
    return value.toFixed(decimals);
  }

  /** @param {string} text @param {string} cls @param {string} tooltip */
  function chip(text, cls, tooltip) {
    return el("span", { class: "chip " + (cls || ""), text, title: tooltip });
  }

  /** @param {InvokeResult} result @param {InvocationCost} [cost] */
  function renderResult(result, cost) {
    resultSection.hidden = false;
    const t = result.timings || {};
    const ok = !!result.ok;

    statusBadge.textContent = ok ? "Succeeded" : result.errorKind ? "Failed (" + result.errorKind + ")" : "Failed";
    statusBadge.className = "badge " + (ok ? "ok" : "fail");
    requestInfo.textContent = result.requestId ? "request " + result.requestId : "";
    requestInfo.title = result.instanceId ? "instance " + result.instanceId : "";

    const mem = result.memory || {};
    const items = [
      chip("duration " + fmtMs(t.durationMs, 2), "", "Handler duration"),
      chip("billed " + fmtMs(t.billedMs, 0), "", "Billed duration"),
    ];
    if (result.debug) items.push(chip("debug", "", "Ran under the debugger: kept out of metrics and cost"));
    else if (t.cold) items.push(chip("cold start", "cold", "A new instance was started for this invocation"));
    else items.push(chip("warm", "warm", "Served by an instance that was already running"));
    if (t.cold && typeof t.initMs === "number") items.push(chip("init " + fmtMs(t.initMs, 2), "", "Init duration"));
    if (typeof t.queuedMs === "number" && t.queuedMs >= 1) items.push(chip("queued " + fmtMs(t.queuedMs, 0), "", "Waited for a free instance"));
    items.push(chip("memory " + (typeof mem.maxUsedMb === "number" ? mem.maxUsedMb : "n/a") + " / " + mem.sizeMb + " MB", "", "Max memory used / memory size"));
    chips.replaceChildren(...items);

    if (cost && isFinite(cost.perInvocation)) {
      costLine.textContent =
        "≈ " + fmtMoney(cost.perInvocation, 2) + " " + cost.currency + " per invocation · ≈ " + fmtMoney(cost.monthly, 2) + " " + cost.currency + "/month at this rate";
      costLine.title = "Estimated with " + (cost.provider === "aws" ? "AWS Lambda" : "Tencent SCF") + " prices";
      costLine.hidden = false;
    } else {
      costLine.hidden = true;
    }

    if (ok) {
      errorLine.hidden = true;
      stack.hidden = true;
      resultBody.hidden = false;
      resultBody.classList.toggle("muted", result.result === undefined);
      resultBody.textContent =
        result.result === undefined ? "(no return value)" : typeof result.result === "string" ? result.result : JSON.stringify(result.result, null, 2);
    } else {
      const error = result.error || { errorType: "Error", errorMessage: "The invocation failed without an error body" };
      errorLine.textContent = error.errorType + ": " + error.errorMessage;
      errorLine.hidden = false;
      resultBody.hidden = true;
      // Runtimes send one frame per entry; Python's entries span two lines each.
      const lines = (error.stackTrace || []).join("\n").replace(/\n+$/, "");
      stack.replaceChildren();
      if (lines) appendWithFrames(stack, lines);
      stack.hidden = !lines;
    }
  }

  // ---- Logs ------------------------------------------------------------------------

  /** @param {number} n @param {number} width */
  function pad(n, width) {
    return String(n).padStart(width, "0");
  }

  /** @param {number} ms */
  function shortTime(ms) {
    const d = new Date(ms);
    return pad(d.getHours(), 2) + ":" + pad(d.getMinutes(), 2) + ":" + pad(d.getSeconds(), 2) + "." + pad(d.getMilliseconds(), 3);
  }

  /** @param {LogRecord} record */
  function logLine(record) {
    const row = el("div", { class: "log-line " + (record.stream || "stdout") });
    row.append(el("span", { class: "log-time", text: shortTime(record.time) }));
    const text = el("span", { class: "log-text" });
    appendWithFrames(text, String(record.text).replace(/\n+$/, ""));
    row.append(text);
    return row;
  }

  /** @param {LogRecord} r */
  function logKey(r) {
    return [r.time, r.stream, r.requestId || "", r.text].join("\u0000");
  }

  /** @param {LogRecord[]} records */
  function renderLogs(records) {
    logList.replaceChildren(...records.map(logLine));
    logsEmpty.hidden = records.length > 0;
    logList.hidden = records.length === 0;
  }

  /** @param {LogRecord} record */
  function appendLiveLog(record) {
    // Only this invocation's own lines: the same function may be running other requests
    // (HTTP, timers, another invoke) at the same time. Lines of no request (init code)
    // are in the function's Output channel.
    if (record.requestId !== state.requestId) return;
    if (state.fn && record.function && record.function !== state.fn.name) return;
    const key = logKey(record);
    if (state.liveKeys.has(key)) return;
    state.liveKeys.add(key);
    const atBottom = logList.scrollHeight - logList.scrollTop - logList.clientHeight < 24;
    logList.append(logLine(record));
    logsEmpty.hidden = true;
    logList.hidden = false;
    if (atBottom) logList.scrollTop = logList.scrollHeight;
  }

  openLogsButton.addEventListener("click", () => vscode.postMessage({ type: "openLogs" }));

  // ---- Banner ----------------------------------------------------------------------

  /** @param {string} message */
  function showBanner(message) {
    bannerText.textContent = message;
    banner.hidden = false;
  }
  function hideBanner() {
    banner.hidden = true;
  }
  bannerClose.addEventListener("click", () => {
    hideBanner();
    invokeButton.focus();
  });

  // ---- Messages from the extension -------------------------------------------------

  window.addEventListener("message", (/** @type {MessageEvent<ToInvokePanel>} */ event) => {
    const msg = event.data;
    if (!msg || typeof msg !== "object") return;
    switch (msg.type) {
      case "init": {
        state.fn = msg.fn;
        renderHeader(msg.fn);
        setTemplates(msg.templates);
        // Unsaved edits from before the panel was hidden win over the extension's text.
        const text = typeof saved.text === "string" ? saved.text : msg.eventText || "";
        nameInput.value = typeof saved.name === "string" ? saved.name : "";
        setSavedNames(msg.savedEvents || [], saved.selected || "");
        setEditorText(text);
        saved.text = undefined; // only once: a later init (reload) carries fresh text
        saved.name = undefined;
        saved.selected = undefined;
        break;
      }
      case "savedEvents":
        setSavedNames(msg.names || [], msg.selected);
        break;
      case "eventText":
        // The extension echoes the text it is about to invoke; re-setting an unchanged
        // value would move the caret to the end and drop the undo history.
        if (msg.text !== editor.value) setEditorText(msg.text);
        if (msg.name !== undefined) {
          savedSelect.value = msg.name;
          nameInput.value = msg.name;
          updateButtons();
          persist();
        }
        break;
      case "invoking":
        hideBanner();
        setInvoking(true, msg.requestId);
        state.liveKeys = new Set();
        renderLogs([]);
        logsEmpty.textContent = "Waiting for log lines…";
        break;
      case "log":
        if (state.invoking && msg.record) appendLiveLog(msg.record);
        break;
      case "result":
        setInvoking(false);
        renderResult(msg.result, msg.cost);
        state.liveKeys = new Set();
        renderLogs(msg.result.logs || []);
        logsEmpty.textContent = "The invocation printed no log lines.";
        logList.scrollTop = logList.scrollHeight;
        // Short panels (one column, a low window): bring the result up, not the logs below it.
        const top = resultSection.getBoundingClientRect().top;
        if (top < 0 || top > window.innerHeight * 0.6) resultSection.scrollIntoView({ block: "start" });
        break;
      case "failed":
        setInvoking(false);
        showBanner(msg.message);
        break;
    }
  });

  // Before init arrives, show what was persisted so a re-shown panel does not flash empty.
  // Nothing is persisted here: that waits for init, so a missing saved name is not lost.
  setTemplates([]);
  savedSelect.replaceChildren(option("", "(new event)"));
  editor.value = typeof saved.text === "string" ? saved.text : "";
  nameInput.value = typeof saved.name === "string" ? saved.name : "";
  validate();
  renderLogs([]);
  vscode.postMessage({ type: "ready" });
})();
