// The article review page: select statements (click, Enter/Space, j/k), load and submit
// their verdict panel without reloading, keep unsaved work, keyboard shortcuts, human
// corrections from a text selection, and the entity-tagging progress.
//
// Rules kept here: the panel and the text are fragments rendered by our own server and
// swapped in whole; anything built from data in the browser uses textContent, never
// innerHTML. No inline handlers or styles (the Content-Security-Policy forbids them).
(function () {
  "use strict";

  const page = document.querySelector(".review-page");
  if (!page) return;
  const textPane = document.getElementById("article-text");
  const panePanel = document.getElementById("panel");
  const toolbar = document.getElementById("sel-toolbar");
  const help = document.getElementById("shortcuts-help");
  const status = document.getElementById("tagging-status");
  const STASH_PREFIX = "review-unsaved:";
  const DRAG_PX = 4; // a press that moves further than this is a drag, not a click
  let panelRequest = 0; // the latest panel load wins; older answers are dropped
  let submitArmed = null; // the statement whose submission the next Enter confirms

  // --- Small helpers ---------------------------------------------------------------------

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function panelRoot() {
    return panePanel.querySelector(".panel");
  }

  // The selected statement: set at once when a statement is chosen, while its panel may
  // still be on its way (the panel shown is always the latest one asked for).
  let currentId = null;
  function selectedId() {
    return currentId;
  }

  function verdictForm() {
    return panePanel.querySelector("form[data-verdict-form]");
  }

  function statementButtons() {
    return Array.from(textPane.querySelectorAll(".stmt[data-statement][tabindex]"));
  }

  function statementButton(id) {
    return textPane.querySelector('.stmt[tabindex][data-statement="' + CSS.escape(String(id)) + '"]');
  }

  function panelShows(id) {
    const root = panelRoot();
    return Boolean(root && id && root.dataset.statement === String(id));
  }

  function panelUrl(id) {
    return page.dataset.panelUrl.replace("/0/", "/" + encodeURIComponent(id) + "/");
  }

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // Show a short message in the panel's status line (built with textContent).
  // The status line sits where the reviewer is looking: in the verdict form's action bar
  // (always in view, it sticks to the panel's bottom), else at the top of the panel.
  function panelMessage(text, kind) {
    const line = panePanel.querySelector("[data-panel-status]");
    if (!line) return null;
    const note = el("span", kind === "hint" ? "hint-text" : "notice", text);
    line.replaceChildren(note);
    statusReveal(line);
    return note;
  }

  function statusReveal(line) {
    if (line && line.textContent.trim()) line.scrollIntoView({ block: "nearest" });
  }

  function isTyping(target) {
    if (!(target instanceof Element)) return false;
    if (target.isContentEditable) return true;
    const tag = target.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") return true;
    if (tag !== "INPUT") return false;
    const type = (target.getAttribute("type") || "text").toLowerCase();
    return !["radio", "checkbox", "button", "submit", "reset", "hidden", "range", "color"].includes(type);
  }

  // --- Selecting a statement -------------------------------------------------------------

  function markSelected(id) {
    for (const button of statementButtons()) {
      button.setAttribute("aria-pressed", button.dataset.statement === String(id) ? "true" : "false");
    }
  }

  function urlKeep(id) {
    const url = new URL(window.location.href);
    if (id) url.searchParams.set("s", id);
    else url.searchParams.delete("s");
    url.hash = "";
    history.replaceState(history.state, "", url);
  }

  // --- The panel as a sheet on narrow screens (app.css: below 900 px) ------------------
  const narrow = window.matchMedia("(max-width: 900px)");

  function sheetOpen() {
    page.classList.add("sheet-open");
  }

  function sheetClose() {
    page.classList.remove("sheet-open");
    const id = selectedId();
    if (id) focusStatement(id);
  }

  panePanel.addEventListener("click", (event) => {
    if (event.target.closest("[data-sheet-close]")) sheetClose();
  });

  // The bottom of what the reader can see of the text: above the sheet when it is open.
  function textViewBottom() {
    if (narrow.matches && page.classList.contains("sheet-open")) {
      return panePanel.getBoundingClientRect().top;
    }
    return window.innerHeight;
  }

  async function select(id, options) {
    const opts = options || {};
    if (!id) return;
    sheetOpen();
    const shown = panelRoot() ? panelRoot().dataset.statement : null;
    if (String(id) === selectedId() && shown === selectedId() && !opts.reload) {
      if (opts.focus) focusStatement(id);
      return;
    }
    stashWrite(); // whatever is being typed in the panel we leave stays in this tab
    submitArmed = null;
    currentId = String(id);
    markSelected(id);
    urlKeep(id);
    if (opts.focus) focusStatement(id);
    await loadPanel(id);
  }

  function focusStatement(id) {
    const button = statementButton(id);
    if (!button) return;
    button.focus({ preventScroll: true });
    const box = button.getBoundingClientRect();
    const bottom = textViewBottom();
    if (box.top < 70 || box.bottom > bottom - 20) {
      if (bottom < window.innerHeight) {
        // Above the sheet: the statement's start just under the top of the screen.
        window.scrollBy({ top: box.top - 12 });
      } else {
        button.scrollIntoView({ block: "center" });
      }
    }
  }

  async function loadPanel(id) {
    const request = ++panelRequest;
    panePanel.setAttribute("aria-busy", "true");
    try {
      const res = await fetch(panelUrl(id), {
        headers: { "X-Requested-With": "fetch", Accept: "text/html" },
        credentials: "same-origin",
      });
      const html = await res.text();
      if (request !== panelRequest) return;
      if (!res.ok || !html.includes('id="panel-body"')) {
        panelMessage("Could not open this statement (" + res.status + "). Try again.", "hint");
        return;
      }
      swapPanel(html, { loaded: true });
    } catch (err) {
      if (request === panelRequest) panelMessage("Could not reach the server. Try again.", "hint");
    } finally {
      if (request === panelRequest) panePanel.removeAttribute("aria-busy");
    }
  }

  function stepStatement(delta) {
    const buttons = statementButtons();
    if (!buttons.length) return;
    const focused = document.activeElement;
    const current = selectedId() || (focused && focused.dataset ? focused.dataset.statement : null);
    let index = buttons.findIndex((b) => b.dataset.statement === current);
    if (index === -1) index = delta > 0 ? -1 : buttons.length;
    const next = buttons[Math.max(0, Math.min(buttons.length - 1, index + delta))];
    select(next.dataset.statement, { focus: true });
  }

  // A press that moves before it is released is a drag (a text selection), never a click:
  // the browser may still fire "click" on the statement where a drag began and ended, with
  // the selection not yet reported (a drag from a statement's first letter).
  let pressedAt = null;
  textPane.addEventListener("mousedown", (event) => {
    pressedAt = event.button === 0 ? { x: event.clientX, y: event.clientY } : null;
  });

  textPane.addEventListener("click", (event) => {
    const dragged = pressedAt &&
      Math.hypot(event.clientX - pressedAt.x, event.clientY - pressedAt.y) > DRAG_PX;
    pressedAt = null;
    const selection = window.getSelection();
    if (dragged || (selection && !selection.isCollapsed)) return; // a selection, not a click
    const stmt = event.target.closest(".stmt[data-statement]");
    if (stmt) select(stmt.dataset.statement, { focus: true });
  });

  textPane.addEventListener("keydown", (event) => {
    const stmt = event.target.closest && event.target.closest(".stmt[tabindex]");
    if (!stmt || event.altKey || event.ctrlKey || event.metaKey) return;
    // Enter on the statement already open is the page's Enter (submit, after asking);
    // on another statement, Enter or Space opens it.
    const open = stmt.dataset.statement === selectedId() && panelShows(selectedId());
    if ((event.key === "Enter" && !open) || event.key === " ") {
      event.preventDefault();
      event.stopPropagation();
      select(stmt.dataset.statement, { focus: true });
    }
  });

  // --- The panel: swapping fragments in, and what follows --------------------------------

  function swapPanel(html, options) {
    const opts = options || {};
    panePanel.innerHTML = html; // a fragment rendered (and escaped) by our own server
    submitArmed = null;
    const root = panelRoot();
    if (!root) return;
    const id = root.dataset.statement;
    if (id) {
      syncStatement(root);
      markSelected(id);
    }
    if (root.dataset.textChanged === "true") refreshText();
    if (!opts.loaded) statusReveal(root.querySelector("[data-panel-status]"));
    if (opts.saved) {
      stashClear(id);
      setDirty(false);
    } else if (opts.kept) {
      // The answer holds what the reviewer typed (field errors, conflict): still unsaved.
      setDirty(true);
      stashWrite();
    } else if (opts.loaded) {
      stashRestore(id);
    }
    progressUpdate();
  }

  // Bring the statement's label in the text in line with the panel's state.
  function syncStatement(root) {
    const button = statementButton(root.dataset.statement);
    if (!button || !root.dataset.state) return;
    for (const piece of textPane.querySelectorAll(
      '.stmt[data-statement="' + CSS.escape(root.dataset.statement) + '"]')) {
      piece.dataset.state = root.dataset.state;
      piece.dataset.stateLabel = root.dataset.stateLabel;
      const rest = piece.title.indexOf(" · ");
      if (rest >= 0) piece.title = root.dataset.stateLabel + piece.title.slice(rest);
    }
  }

  function progressUpdate() {
    const counts = {};
    const buttons = statementButtons();
    for (const b of buttons) counts[b.dataset.state] = (counts[b.dataset.state] || 0) + 1;
    for (const item of page.querySelectorAll(".progress-item[data-state]")) {
      const n = counts[item.dataset.state] || 0;
      item.querySelector("[data-progress]").textContent = String(n);
      item.hidden = n === 0;
    }
    const total = page.querySelector("[data-progress-total]");
    if (total) total.textContent = String(buttons.length);
  }

  // Every form of the panel posts with fetch and gets the panel back.
  panePanel.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!form.matches("form[data-panel-form]")) return;
    event.preventDefault();
    const body = new FormData(form, event.submitter || undefined);
    const buttons = Array.from(form.querySelectorAll("button"));
    buttons.forEach((b) => { b.disabled = true; });
    panePanel.setAttribute("aria-busy", "true");
    const request = ++panelRequest;
    try {
      const res = await fetch(form.getAttribute("action"), {
        method: "POST",
        body: body,
        headers: { "X-Requested-With": "fetch", Accept: "text/html" },
        credentials: "same-origin",
      });
      const html = await res.text();
      if (request !== panelRequest) {
        // The reviewer has moved on: the answer is not shown, but a save did happen.
        if (res.ok && form.matches("[data-verdict-form]")) stashClear(form.dataset.statement);
        return;
      }
      const isPanel = html.includes('id="panel-body"');
      if (res.redirected && new URL(res.url).pathname.startsWith("/login")) {
        stashWrite();
        panelMessage("Your session has ended. Log in again in another tab, then save: your text is kept here.", "hint");
      } else if (isPanel && [200, 400, 403, 409].includes(res.status)) {
        // The verdict form's answer holds what was typed (saved, or kept with errors);
        // any other form's answer re-renders the verdict from the server, so put back
        // whatever was being typed and not saved yet.
        const verdict = form.matches("[data-verdict-form]");
        swapPanel(html, verdict ? (res.ok ? { saved: true } : { kept: true }) : { loaded: true });
        if (!res.ok) focusFirstProblem();
      } else {
        panelMessage("Not saved: the server answered " + res.status + ". Your text is still here; try again.", "hint");
      }
    } catch (err) {
      if (request === panelRequest) panelMessage("Not saved: the server could not be reached. Your text is still here.", "hint");
    } finally {
      buttons.forEach((b) => { if (b.isConnected) b.disabled = false; });
      if (request === panelRequest) panePanel.removeAttribute("aria-busy");
    }
  });

  function focusFirstProblem() {
    const root = panelRoot();
    if (!root) return;
    const conflict = root.querySelector(".conflict");
    if (conflict) {
      conflict.setAttribute("tabindex", "-1");
      conflict.scrollIntoView({ block: "nearest" });
      return;
    }
    const invalid = root.querySelector(".has-error input:not([type=hidden]), .has-error textarea, [aria-invalid=true]");
    if (invalid) invalid.focus();
  }

  // --- Source rows: add (from the <template>) and remove, renumbering the formset --------

  function renumberSources(form) {
    const rows = form.querySelectorAll("[data-source-rows] > [data-source-row]");
    rows.forEach((row, i) => {
      for (const node of row.querySelectorAll("[name], [id], label[for]")) {
        for (const attr of ["name", "id", "for"]) {
          const value = node.getAttribute(attr);
          if (value) node.setAttribute(attr, value.replace(/sources-(\d+|__prefix__)-/, "sources-" + i + "-"));
        }
      }
    });
    const total = form.querySelector("input[name=sources-TOTAL_FORMS]");
    if (total) total.value = String(rows.length);
    return rows;
  }

  function addSource(form) {
    const template = form.querySelector("template[data-source-template]");
    const list = form.querySelector("[data-source-rows]");
    if (!template || !list) return null;
    const row = template.content.firstElementChild.cloneNode(true);
    list.appendChild(row);
    renumberSources(form);
    return row;
  }

  panePanel.addEventListener("click", (event) => {
    const form = event.target.closest("form[data-verdict-form]");
    if (!form) return;
    if (event.target.closest("[data-add-source]")) {
      const row = addSource(form);
      if (row) row.querySelector("input").focus();
      changed();
    } else if (event.target.closest("[data-remove-source]")) {
      event.target.closest("[data-source-row]").remove();
      renumberSources(form);
      const add = form.querySelector("[data-add-source]");
      if (add) add.focus();
      changed();
    }
  });

  // --- Unsaved work: kept in sessionStorage, per statement, until saved -------------------
  // Leaving a statement, reloading, or a lost connection never loses what was typed; a
  // save that succeeds clears it. Restored text keeps the version it was based on, so a
  // save on top of someone else's change still ends in the conflict panel.

  function setDirty(dirty) {
    const flag = panePanel.querySelector("[data-dirty-flag]");
    if (flag) flag.hidden = !dirty;
    const root = panelRoot();
    if (root) root.dataset.dirty = dirty ? "true" : "false";
  }

  function changed() {
    setDirty(true);
    stashWrite();
  }

  function stashWrite() {
    const form = verdictForm();
    const root = panelRoot();
    if (!form || !root || root.dataset.dirty !== "true") return;
    const fields = [];
    for (const [name, value] of new FormData(form)) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") fields.push([name, value]);
    }
    const rows = form.querySelectorAll("[data-source-rows] > [data-source-row]").length;
    try {
      sessionStorage.setItem(STASH_PREFIX + root.dataset.statement, JSON.stringify({ rows, fields }));
    } catch (err) { /* storage full or disabled: nothing more we can do */ }
  }

  function stashClear(id) {
    if (!id) return;
    try { sessionStorage.removeItem(STASH_PREFIX + id); } catch (err) { /* ignore */ }
  }

  function stashRead(id) {
    try {
      const raw = sessionStorage.getItem(STASH_PREFIX + id);
      return raw ? JSON.parse(raw) : null;
    } catch (err) {
      return null;
    }
  }

  function stashRestore(id) {
    const stash = stashRead(id);
    if (!stash) return;
    const form = verdictForm();
    if (!form && panelRoot().dataset.state === "dismissed") return; // kept for a restore
    if (!form) {
      // Read-only now (say, submitted meanwhile): show the unsaved text so it can be copied.
      const explanation = (stash.fields.find(([name]) => name === "explanation") || [null, ""])[1];
      const box = el("div", "your-version");
      box.append(el("h4", "", "Your unsaved text (this statement can no longer be edited)"));
      box.append(el("p", "ro-explanation", explanation || "(no explanation)"));
      const discard = el("button", "link-button", "Discard it");
      discard.type = "button";
      discard.addEventListener("click", () => { stashClear(id); box.remove(); });
      box.append(discard);
      const head = panelRoot().querySelector(".panel-head");
      head.after(box);
      return;
    }
    let rows = form.querySelectorAll("[data-source-rows] > [data-source-row]").length;
    while (rows < stash.rows && addSource(form)) rows++;
    const list = form.querySelector("[data-source-rows]");
    while (rows > stash.rows && list.lastElementChild) { list.lastElementChild.remove(); rows--; }
    renumberSources(form);
    for (const radio of form.querySelectorAll("input[name=rating]")) radio.checked = false;
    for (const [name, value] of stash.fields) {
      if (name === "rating") {
        const radio = form.querySelector('input[name=rating][value="' + CSS.escape(value) + '"]');
        if (radio) radio.checked = true;
      } else if (name !== "action") {
        const field = form.elements.namedItem(name);
        if (field && "value" in field) field.value = value;
      }
    }
    setDirty(true);
    const line = panePanel.querySelector("[data-panel-status]");
    if (line) {
      const note = el("span", "hint-text", "Your unsaved changes were restored — not saved yet. ");
      const discard = el("button", "link-button", "Discard them");
      discard.type = "button";
      discard.addEventListener("click", () => {
        stashClear(id);
        panelRequest++;
        loadPanel(id);
      });
      note.append(discard);
      line.replaceChildren(note);
    }
  }

  panePanel.addEventListener("input", (event) => {
    if (event.target.closest("form[data-verdict-form]")) changed();
  });
  panePanel.addEventListener("change", (event) => {
    if (event.target.closest("form[data-verdict-form]")) changed();
  });
  window.addEventListener("pagehide", stashWrite);

  // --- Keyboard shortcuts -----------------------------------------------------------------

  function panelValid(form) {
    const rating = form.querySelector("input[name=rating]:checked");
    const explanation = form.querySelector("textarea[name=explanation]");
    const urls = Array.from(form.querySelectorAll("input[name$='-url']")).filter((i) => i.value.trim());
    const missing = [];
    if (!rating) missing.push("a verdict");
    if (!explanation || !explanation.value.trim()) missing.push("an explanation");
    if (!urls.length) missing.push("a source URL");
    return missing;
  }

  // Enter submits for approval only when pressed twice: the first press asks. A reviewer
  // who pressed Enter by habit (after a reload, say) has sent nothing to an editor.
  function submitDisarm() {
    if (submitArmed === null) return;
    submitArmed = null;
    const line = panePanel.querySelector("[data-panel-status]");
    if (line && line.querySelector("[data-confirm-submit]")) line.replaceChildren();
  }

  function submitPanel() {
    const form = verdictForm();
    if (!form) return;
    const missing = panelValid(form);
    if (missing.length) {
      submitArmed = null;
      panelMessage("To submit, add " + missing.join(", ") + ".", "hint");
      return;
    }
    if (submitArmed !== form.dataset.statement) {
      submitArmed = form.dataset.statement;
      const note = panelMessage("Submit this verdict for approval? Press Enter again to submit, Esc to cancel.", "hint");
      if (note) note.dataset.confirmSubmit = "true";
      return;
    }
    submitArmed = null;
    form.requestSubmit(form.querySelector("[data-submit]"));
  }

  function toggleHelp() {
    if (help.open) help.close();
    else help.showModal();
  }

  page.querySelector("[data-shortcuts-open]").addEventListener("click", () => help.showModal());

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (event.key !== "Enter" && event.key !== "Shift") submitDisarm();
    if (event.key === "Escape" && isTyping(target) && panePanel.contains(target)) {
      target.blur(); // leave the field: shortcuts work again
      panePanel.focus({ preventScroll: true });
      return;
    }
    if (isTyping(target)) return;
    if (event.key === "Escape" && narrow.matches && page.classList.contains("sheet-open") &&
        toolbar.hidden && !help.open) {
      sheetClose();
      return;
    }
    if (help.open) {
      if (event.key === "?") { event.preventDefault(); help.close(); }
      return;
    }
    const form = verdictForm();
    switch (event.key) {
      case "j":
        event.preventDefault();
        stepStatement(1);
        break;
      case "k":
        event.preventDefault();
        stepStatement(-1);
        break;
      case "1": case "2": case "3": case "4": case "5": case "6": case "7": {
        if (!form) return;
        const radio = form.querySelectorAll("input[name=rating]")[Number(event.key) - 1];
        if (radio && !radio.disabled) {
          event.preventDefault();
          radio.checked = true;
          radio.dispatchEvent(new Event("change", { bubbles: true }));
        }
        break;
      }
      case "s":
        if (!form) return;
        event.preventDefault();
        form.requestSubmit(form.querySelector("[data-save]"));
        break;
      case "Enter":
        // Enter on a link or a button keeps its own meaning (on a statement other than the
        // open one, the text's own handler has opened it already).
        if (target.closest && target.closest("a, button, summary, dialog")) return;
        if (!form) return;
        event.preventDefault();
        submitPanel();
        break;
      case "?":
        event.preventDefault();
        toggleHelp();
        break;
      default:
    }
  });

  // --- Human corrections from a text selection --------------------------------------------

  function paragraphOf(node) {
    const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    return element ? element.closest(".article-text p[data-start]") : null;
  }

  // Body offsets (data-start, and what the server is sent) count Unicode code points, as
  // Python's str indices do; a JavaScript string's length counts UTF-16 code units, where
  // an emoji or each half of a flag counts twice. Convert here, at the browser boundary.
  function codePoints(text) {
    return Array.from(text).length;
  }

  // Body offset of a DOM position inside a paragraph: the paragraph's data-start plus the
  // length of its text before that position (Range.toString counts only text nodes, so the
  // CSS labels drawn with ::before/::after never count).
  function bodyOffset(paragraph, node, offset) {
    const range = document.createRange();
    range.setStart(paragraph, 0);
    range.setEnd(node, offset);
    return Number(paragraph.dataset.start) + codePoints(range.toString());
  }

  function selectionSpan() {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0);
    if (!textPane.contains(range.commonAncestorContainer)) return null;
    const first = paragraphOf(range.startContainer);
    if (!first) return null;
    const start = bodyOffset(first, range.startContainer, range.startOffset);
    const last = paragraphOf(range.endContainer);
    let end;
    // The exact characters selected: the server refuses the offsets if they don't match.
    let text = range.toString();
    if (last === first) {
      end = bodyOffset(first, range.endContainer, range.endOffset);
    } else if (last && bodyOffset(last, range.endContainer, range.endOffset) === Number(last.dataset.start)) {
      // A triple click ends at the very start of the next paragraph: keep it to this one.
      end = Number(first.dataset.start) + codePoints(first.textContent);
      const inFirst = range.cloneRange();
      inFirst.setEnd(first, first.childNodes.length);
      text = inFirst.toString();
    } else {
      return { error: "Select text within one paragraph.", rect: range.getBoundingClientRect() };
    }
    if (!text.trim()) return null;
    return { start, end, text, rect: range.getBoundingClientRect() };
  }

  function toolbarMessage(text, isError) {
    const line = toolbar.querySelector("[data-sel-message]");
    line.textContent = text || "";
    line.classList.toggle("is-error", Boolean(isError));
  }

  function toolbarShow(span) {
    toolbar.hidden = false;
    toolbar.elements.start.value = span.error ? "" : String(span.start);
    toolbar.elements.end.value = span.error ? "" : String(span.end);
    toolbar.elements.text.value = span.error ? "" : span.text;
    const preview = toolbar.querySelector("[data-sel-preview]");
    // Cut by code points, never between the two halves of an emoji.
    const chars = Array.from(span.text || "");
    const short = chars.length > 90 ? chars.slice(0, 87).join("") + "…" : chars.join("");
    preview.textContent = span.error ? "" : "“" + short + "”";
    for (const button of toolbar.querySelectorAll("[data-sel-action]")) button.disabled = Boolean(span.error);
    toolbarMessage(span.error || "", Boolean(span.error));
    const width = toolbar.offsetWidth;
    const left = Math.max(8, Math.min(span.rect.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - width - 8));
    toolbar.style.left = left + "px";
    toolbar.style.top = (span.rect.bottom + window.scrollY + 8) + "px";
  }

  function toolbarHide() {
    toolbar.hidden = true;
    toolbarMessage("");
  }

  function selectionCheck() {
    const span = selectionSpan();
    if (span) toolbarShow(span);
    else toolbarHide();
  }

  textPane.addEventListener("mouseup", () => setTimeout(selectionCheck, 0));
  // A touch screen selects with a long press and its handles, without a mouseup: follow
  // the selection itself there, once it has settled.
  if (window.matchMedia("(pointer: coarse)").matches) {
    let settle = 0;
    document.addEventListener("selectionchange", () => {
      clearTimeout(settle);
      settle = setTimeout(selectionCheck, 400);
    });
  }
  textPane.addEventListener("keyup", (event) => {
    if (event.shiftKey || event.key === "Shift") selectionCheck();
  });
  document.addEventListener("mousedown", (event) => {
    if (!toolbar.hidden && !toolbar.contains(event.target)) toolbarHide();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !toolbar.hidden) toolbarHide();
  });
  // Keep the text selection when a toolbar button is pressed.
  toolbar.addEventListener("mousedown", (event) => {
    if (event.target.closest("button")) event.preventDefault();
  });

  toolbar.addEventListener("submit", async (event) => {
    event.preventDefault();
    const submitter = event.submitter;
    if (!submitter) return;
    const body = new FormData(toolbar, submitter);
    const action = submitter.dataset.selAction;
    const url = submitter.getAttribute("formaction");
    if (action === "statement") body.delete("label");
    submitter.disabled = true;
    toolbarMessage(action === "statement" ? "Adding the statement…" : "Marking the entity…");
    try {
      const res = await fetch(url, {
        method: "POST",
        body: body,
        headers: { "X-Requested-With": "fetch", Accept: "application/json", "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
      });
      let data = {};
      try { data = await res.json(); } catch (err) { data = {}; }
      if (!res.ok) {
        toolbarMessage(data.error || "That did not work (" + res.status + ").", true);
        return;
      }
      window.getSelection().removeAllRanges();
      toolbarHide();
      if (action === "statement" && data.statement) {
        await refreshText(String(data.statement));
        await select(String(data.statement), { focus: true });
        panelMessage(data.message || "Statement added.");
      } else {
        await refreshText();
        const id = selectedId();
        if (id) {
          await loadPanel(id);
          panelMessage(data.message || "Entity marked.");
        }
      }
    } catch (err) {
      toolbarMessage("The server could not be reached. Try again.", true);
    } finally {
      submitter.disabled = false;
    }
  });

  // --- The text fragment: re-fetched after corrections and when tagging finishes ---------

  async function refreshText(selectId) {
    const id = selectId || selectedId();
    const focusedId = document.activeElement && document.activeElement.matches(".stmt[tabindex]")
      ? document.activeElement.dataset.statement : null;
    const url = page.dataset.textUrl + (id ? "?s=" + encodeURIComponent(id) : "");
    const res = await fetch(url, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" });
    if (!res.ok) return false;
    textPane.innerHTML = await res.text(); // our own server-rendered fragment
    if (id) markSelected(id);
    if (focusedId) focusStatement(focusedId);
    progressUpdate();
    return true;
  }

  // --- Tagging progress -------------------------------------------------------------------

  const badge = () => status.querySelector("[data-tagging-state]");
  const pending = (state) => state === "queued" || state === "running";
  let delay = 1000;

  async function poll() {
    try {
      const res = await fetch(page.dataset.taggingUrl, { headers: { Accept: "application/json" } });
      if (!res.ok) throw new Error(String(res.status));
      const job = await res.json();
      if (pending(job.state)) {
        badge().textContent = job.state === "queued" ? "Tagging queued" : "Tagging running";
        badge().className = "badge state-" + job.state;
        delay = Math.min(delay * 1.5, 10000);
        setTimeout(poll, delay);
        return;
      }
      await refreshText();
      const shown = selectedId();
      // The model's pass may have dropped the statement the reviewer had open (it is only
      // ever one nobody had worked on): say so rather than failing to load it.
      if (shown && !statementButtons().some((b) => b.dataset.statement === String(shown))) {
        panelMessage("The check-worthiness model dropped this sentence: it is no longer a " +
          "statement. Select its text to add it back by hand.", "hint");
      } else if (shown) {
        loadPanelQuietly(shown);
      }
      badge().dataset.taggingState = job.state;
      badge().className = "badge state-" + job.state;
      // The count is the legend's (refreshed with the text); the badge says the state.
      badge().textContent = job.state === "succeeded" ? "Tagged" : "Tagging failed: " + job.last_error;
      badge().title = job.state === "succeeded"
        ? "The tagger found " + job.mention_count + " mention" + (job.mention_count === 1 ? "" : "s") : "";
    } catch (err) {
      setTimeout(poll, 10000);
    }
  }

  // After tagging, the panel's entity list changes; reload it unless the reviewer is typing.
  function loadPanelQuietly(id) {
    const root = panelRoot();
    if (root && root.dataset.dirty === "true") return;
    loadPanel(id);
  }

  const current = badge();
  if (current && pending(current.dataset.taggingState)) setTimeout(poll, delay);

  // --- The panel fits the window below wherever it starts (sticky, own scroll) -----------
  let fitQueued = false;
  function panelFit() {
    fitQueued = false;
    if (getComputedStyle(panePanel).position !== "sticky") {
      panePanel.style.maxHeight = "";
      return;
    }
    const top = Math.max(panePanel.getBoundingClientRect().top, 12);
    panePanel.style.maxHeight = Math.max(320, window.innerHeight - top - 12) + "px";
  }
  function panelFitSoon() {
    if (!fitQueued) {
      fitQueued = true;
      requestAnimationFrame(panelFit);
    }
  }
  window.addEventListener("scroll", panelFitSoon, { passive: true });
  window.addEventListener("resize", panelFitSoon);
  panelFit();

  // --- Start: a panel rendered in place for ?s= ------------------------------------------
  const initial = panelRoot();
  if (initial && initial.dataset.statement) {
    sheetOpen();
    currentId = initial.dataset.statement;
    markSelected(initial.dataset.statement);
    stashRestore(initial.dataset.statement);
    const button = statementButton(initial.dataset.statement);
    if (button) {
      const box = button.getBoundingClientRect();
      if (box.top < 0 || box.bottom > textViewBottom()) focusStatement(initial.dataset.statement);
    }
  }
})();
