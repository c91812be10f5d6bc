/* The EXCON server's browser application (exgen serve): plain JavaScript, no build step, no
   external assets. Served as a file because the Content-Security-Policy forbids inline script.

   It reads GET /api/me and GET /api/state, then follows GET /api/stream (server-sent events; the
   browser resends Last-Event-ID when it reconnects, so no change is missed) and applies each change
   to its local copy of the state. Every POST/PUT carries the session's X-CSRF-Token and a fresh
   idempotency key (kept for a retry of the same action). The clock runs locally from the clock
   state (anchor_wall, anchor_ex, speed, running). User text reaches the page through textContent
   only, never innerHTML. The server decides every permission; the page only hides what is futile. */
(function () {
  "use strict";

  const $ = (id) => document.getElementById(id);
  const SVG = "http://www.w3.org/2000/svg";
  const LATE_MINUTES = 15;
  const STATUS_LABEL = {
    planned: "Planned", held: "Held", released: "Released", delivered: "Delivered",
    acknowledged: "Acknowledged", completed: "Completed", cancelled: "Cancelled",
  };
  const STATUSES = Object.keys(STATUS_LABEL);
  /* The actions offered in each status (the server's lifecycle table has the final word). */
  const FLOW = {
    planned: ["release", "hold", "cancel"], held: ["release", "cancel"],
    released: ["deliver", "hold", "cancel"], delivered: ["acknowledge", "cancel"],
    acknowledged: ["complete", "cancel"], completed: [], cancelled: [],
  };
  const ACTION_LABEL = {
    release: "Release", deliver: "Deliver", acknowledge: "Acknowledge", complete: "Complete",
    hold: "Hold", cancel: "Cancel", retime: "Re-time", annotate: "Add note", response: "Record response",
  };
  const ACTION_PAST = {
    release: "released", deliver: "delivered", acknowledge: "acknowledged", complete: "completed",
    hold: "held", cancel: "cancelled", retime: "re-timed", annotate: "annotated", response: "response recorded",
  };
  const DUE_STATUSES = ["planned", "released"];
  const COVERED = ["delivered", "acknowledged", "completed"];
  const LEVELS = ["primary", "alternate", "contingency", "emergency"];
  const LEVEL_LABEL = { primary: "Primary", alternate: "Alternate", contingency: "Contingency", emergency: "Emergency" };
  const RATINGS = ["P", "S", "M", "U"];
  const RATING_LABEL = {
    P: "P — performed without challenges", S: "S — performed with some challenges",
    M: "M — performed with major challenges", U: "U — unable to be performed", "": "No rating yet",
  };
  const ROLE_LABEL = {
    director: "Exercise director", "chief-controller": "Chief controller", controller: "Controller",
    evaluator: "Evaluator", observer: "Observer", "role-player": "Role player",
  };
  const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

  /* ---------- small DOM helpers (text only) ---------- */
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) { continue; }
      if (k === "text") { node.textContent = String(v); } else if (k === "className") { node.className = v; } else { node.setAttribute(k, v === true ? "" : String(v)); }
    }
    for (const c of children || []) { if (c !== null && c !== undefined) { node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); } }
    return node;
  }
  function svg(tag, attrs, children) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "text") { node.textContent = String(v); } else if (v !== null && v !== undefined) { node.setAttribute(k, String(v)); }
    }
    for (const c of children || []) { if (c) { node.appendChild(c); } }
    return node;
  }
  function clear(node) { while (node && node.firstChild) { node.removeChild(node.firstChild); } return node; }
  function option(select, value, label) { select.appendChild(el("option", { value: value, text: label })); }
  function fold(text) { return String(text || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, ""); }

  /* A fresh idempotency key: crypto.randomUUID needs a secure context, which a LAN over plain HTTP is not. */
  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === "function" && window.isSecureContext) { return window.crypto.randomUUID(); }
    const b = window.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  if (!$("mel-body")) { return; }

  /* ---------- state ---------- */
  const S = {
    me: null, seq: 0, clock: null, skew: 0, closed: false,
    injects: new Map(), order: [], observations: new Map(), comms: [], last: new Map(),
    objectives: [], units: [], nets: [], pace: [], phases: [], cells: [], controllers: [], names: {},
    skewLo: null, skewHi: null, skewBest: null, short: {}, startex: 0, startDay: 0, duration: 0, rows: new Map(), drawer: null, conflict: null, source: null,
  };
  const role = () => (S.me ? S.me.role : "");
  const isLead = () => role() === "director" || role() === "chief-controller";
  const isControl = () => isLead() || role() === "controller";

  /* ---------- exercise time: minutes from STARTEX ---------- */
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function dtime(minutes, seconds) {
    const t = new Date(S.startex + Math.floor(minutes * (seconds ? 60 : 1)) * (seconds ? 1000 : 60000));
    const day = Math.round((Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate()) - S.startDay) / 86400000);
    return "D" + (day < 0 ? "-" : "+") + Math.abs(day) + " " + pad(t.getUTCHours()) + ":" + pad(t.getUTCMinutes()) +
      (seconds ? ":" + pad(t.getUTCSeconds()) : "");
  }
  function dtg(minutes) {
    const t = new Date(S.startex + Math.floor(minutes) * 60000);
    return pad(t.getUTCDate()) + pad(t.getUTCHours()) + pad(t.getUTCMinutes()) + "Z" + MONTHS[t.getUTCMonth()] + pad(t.getUTCFullYear() % 100);
  }
  /* "D+1 07:45", a DTG "110745ZMAY27" or an ISO date-time → minutes from STARTEX, or null. */
  function parseTime(text) {
    const s = String(text || "").trim().toUpperCase();
    let m = /^D\s*([+-])\s*(\d{1,3})\s*[ T]\s*(\d{1,2}):?(\d{2})$/.exec(s);
    if (m) {
      const h = +m[3], mi = +m[4];
      if (h > 23 || mi > 59) { return null; }
      return (S.startDay + (m[1] === "-" ? -1 : 1) * (+m[2]) * 86400000 + (h * 60 + mi) * 60000 - S.startex) / 60000;
    }
    m = /^(\d{2})(\d{2})(\d{2})Z\s*([A-Z]{3})\s*(\d{2})$/.exec(s);
    if (m) {
      const month = MONTHS.indexOf(m[4]);
      if (month < 0 || +m[2] > 23 || +m[3] > 59) { return null; }
      return (Date.UTC(2000 + +m[5], month, +m[1], +m[2], +m[3]) - S.startex) / 60000;
    }
    m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2})?Z?$/.exec(s);
    if (m) {
      const at = Date.parse(m[1] + "T" + m[2] + (m[3] || ":00") + "Z");
      return isNaN(at) ? null : (at - S.startex) / 60000;
    }
    return null;
  }
  function exNow() {
    const c = S.clock;
    if (!c) { return null; }
    if (!c.running) { return +c.anchor_ex; }
    return +c.anchor_ex + ((Date.now() / 1000 + S.skew) - c.anchor_wall) * c.speed / 60;
  }
  /* The clock state's anchor_wall is the server's wall clock; a laptop on a closed LAN may be minutes
     off it, so the page keeps the offset (S.skew, seconds to add to its own clock). Exact from a running
     clock's "now"; else bounded to one second by the HTTP Date header (used when it says more than two
     seconds off, where it is not noise); then sharpened by each live event's server time ("wall"):
     an event is never seen before it happened, so the largest such reading inside the bounds wins. */
  function setClock(clock, date) {
    S.clock = clock;
    if (date === undefined || !clock) { return; }
    const server = Date.parse(date || "");
    if (!isNaN(server)) {
      S.skewLo = server / 1000 - Date.now() / 1000;
      S.skewHi = S.skewLo + 1;
      S.skewBest = null;
      S.skew = Math.abs(S.skewLo + 0.5) > 2 ? S.skewLo + 0.5 : 0;
    }
    if (clock.running && typeof clock.now === "number" && clock.speed > 0) {
      S.skew = S.skewBest = clock.anchor_wall + (clock.now - clock.anchor_ex) * 60 / clock.speed - Date.now() / 1000;
    }
  }
  function sharpenSkew(wall) {
    const seen = Date.parse(wall || "") / 1000 - Date.now() / 1000;
    if (isNaN(seen) || S.skewLo === null || seen < S.skewLo - 0.25 || seen > S.skewHi + 0.25) { return; }
    if (S.skewBest === null || seen > S.skewBest) { S.skewBest = seen; S.skew = seen; }
  }

  /* ---------- the server ---------- */
  async function send(method, url, body) {
    const payload = Object.assign({}, body || {}, { key: uuid() });
    const init = {
      method: method, credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": S.me ? S.me.csrf : "" },
      body: JSON.stringify(payload),
    };
    let res;
    try {
      res = await fetch(url, init);
    } catch (e) {
      try { res = await fetch(url, init); } catch (e2) {  /* one retry, with the same key: applied at most once */
        notify("No connection to the server: the change was not made. Try again.", "error");
        return { status: 0, data: {} };
      }
    }
    return reply(res);
  }
  async function get(url) {
    let res;
    try { res = await fetch(url, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } }); } catch (e) {
      return { status: 0, data: {} };
    }
    return reply(res);
  }
  async function reply(res) {
    let data = {};
    try { data = await res.json(); } catch (e) { data = {}; }
    if (res.status === 401) { signedOut(); }
    return { status: res.status, data: data || {}, date: res.headers.get("date") };
  }
  function problem(r, what) {
    const message = r.data && r.data.message ? r.data.message : "";
    if (r.status === 0) { return; }
    if (r.status === 403) { notify("You may not " + what + (message ? ": " + message : "."), "error"); return; }
    if (r.status === 404) { notify("Not found: " + (message || what), "error"); return; }
    notify("The server refused to " + what + (message ? ": " + message : " (HTTP " + r.status + ")."), "error");
  }
  function notify(text, kind) {
    const box = $("notice");
    box.textContent = text;
    box.className = "notice" + (kind ? " " + kind : "");
    box.hidden = false;
    clearTimeout(notify.timer);
    if (kind !== "error") { notify.timer = setTimeout(() => { box.hidden = true; }, 8000); }
  }
  function signedOut() {
    setLive("Signed out", "off");
    const box = clear($("notice"));
    box.className = "notice error";
    box.append("Your session has ended. ", el("a", { href: "/login", text: "Sign in again" }), ".");
    box.hidden = false;
    if (S.source) { S.source.close(); S.source = null; }
  }
  function setLive(text, kind) { const l = $("live"); l.textContent = text; l.dataset.state = kind || ""; }

  /* ---------- names ---------- */
  function buildNames(state) {
    const names = Object.assign({}, state.names || {});
    const short = {};
    for (const u of state.units || []) { names[u.id] = names[u.id] || u.name || u.id; short[u.id] = u.short_name || names[u.id]; }
    for (const c of state.cells || []) { names[c.id] = names[c.id] || c.id; }
    for (const c of state.controllers || []) { names[c.id] = names[c.id] || c.name || c.id; }
    for (const n of state.nets || []) { names[n.id] = names[n.id] || n.name || n.id; }
    S.short = short;
    return names;
  }
  /* "Full name (ID)" for the details; the short name (units) or the id for tables and the chart */
  const nameOf = (id) => (id && S.names[id] && S.names[id] !== id ? S.names[id] + " (" + id + ")" : String(id || ""));
  const shortOf = (id) => (id && S.short[id] ? S.short[id] : String(id || ""));

  /* ---------- permissions as the page sees them (the server checks again) ---------- */
  function ids(v) { return Array.isArray(v) ? v : typeof v === "string" && v ? [v] : []; }
  function controls(inj) {
    if (isLead()) { return true; }
    if (role() !== "controller") { return false; }
    const scope = S.me.scope || {};
    const mine = ids(scope.controllers).concat(ids(scope.controller));
    const senders = mine.concat(ids(scope.role_players), ids(scope.cell));
    if (!inj.controller) { return true; }
    return mine.indexOf(inj.controller) >= 0 || senders.indexOf(inj.from) >= 0;
  }

  /* ---------- loading ---------- */
  async function load() {
    const me = await get("/api/me");
    if (me.status !== 200) { if (me.status !== 401) { notify("Cannot reach the server.", "error"); } return false; }
    S.me = me.data;
    const ex = S.me.exercise || {};
    S.startex = Date.parse(ex.startex);
    const d = new Date(S.startex);
    S.startDay = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    S.duration = ex.endex ? (Date.parse(ex.endex) - S.startex) / 60000 : 0;
    const roleName = ROLE_LABEL[S.me.role] || S.me.role;
    $("who-name").textContent = (S.me.name && S.me.name !== roleName ? S.me.name + " · " : "") + S.me.user;
    $("who-role").textContent = roleName;
    return reloadState();
  }
  async function reloadState() {
    const st = await get("/api/state");
    if (st.status !== 200) { if (st.status !== 401) { notify("Cannot read the exercise state.", "error"); } return false; }
    const data = st.data;
    S.seq = data.seq || 0;
    setClock(data.clock, st.date);
    S.closed = !!data.evaluation_closed;
    for (const k of ["objectives", "units", "nets", "pace", "phases", "cells", "controllers"]) { S[k] = data[k] || []; }
    S.names = buildNames(data);
    S.injects = new Map((data.injects || []).map((i) => [i.id, i]));
    S.observations = new Map((data.observations || []).map((o) => [String(o.id), o]));
    S.comms = (data.comms || []).map(commsEntry);
    if (!S.duration) { S.duration = Math.max(0, ...Array.from(S.injects.values(), (i) => i.time + 60)); }
    fillForms();
    renderAll();
    return true;
  }
  function connect() {
    if (S.source) { S.source.close(); }
    const source = new EventSource("/api/stream?after=" + S.seq);
    S.source = source;
    source.addEventListener("change", (ev) => {
      let msg;
      try { msg = JSON.parse(ev.data); } catch (e) { return; }
      apply(msg);
    });
    source.addEventListener("open", () => setLive("Live", "on"));
    source.addEventListener("error", async () => {
      if (source.readyState !== EventSource.CLOSED) { setLive("Reconnecting…", "wait"); return; }
      /* closed for good (the server answered with an error): signed out, or try again from where we are */
      setLive("Reconnecting…", "wait");
      const me = await get("/api/me");
      if (me.status === 401 || S.source !== source) { return; }
      setTimeout(() => { if (S.source === source) { connect(); } }, 3000);
    });
  }

  /* ---------- applying one change from the stream ---------- */
  function commsEntry(e) {
    const p = e.payload && typeof e.payload === "object" ? e.payload : e;
    const c = e.comms && typeof e.comms === "object" ? e.comms : p;
    return {
      seq: e.seq, ex_time: typeof e.ex_time === "number" ? e.ex_time : (typeof c.ex_time === "number" ? c.ex_time : 0),
      actor: e.actor || "", net: c.net || null, pace: c.pace || null, units: ids(c.units), state: c.state || "",
      level: c.level || "", text: c.text || "", subject: e.subject || c.pace || c.net || "",
    };
  }
  function apply(msg) {
    if (typeof msg.seq !== "number" || msg.seq <= S.seq) { return; }  /* already part of the state we hold */
    S.seq = msg.seq;
    sharpenSkew(msg.wall);
    const kind = String(msg.kind || "");
    if (kind.startsWith("inject.") && "inject" in msg) {
      const before = S.injects.get(msg.subject);
      if (msg.inject) { S.injects.set(msg.inject.id, msg.inject); } else { S.injects.delete(msg.subject); }
      S.last.set(msg.subject, { kind: kind.slice(7), actor: msg.actor, ex_time: msg.ex_time });
      updateInject(msg.subject, before);
    }
    if (msg.observation) { S.observations.set(String(msg.observation.id), msg.observation); renderObservations(); }
    if (msg.clock) { setClock(msg.clock); tick(); }
    if (msg.comms) { S.comms.push(commsEntry(msg)); renderComms(); }
    if (kind === "evaluation.close") { S.closed = true; renderObservations(); }
    renderDashboard();
  }

  /* ---------- the MEL ---------- */
  function sortKey(a, b) {
    return a.time - b.time || (a.serial || 1e12) - (b.serial || 1e12) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  }
  function timing(inj, now) {
    if (now === null || !isControl() || DUE_STATUSES.indexOf(inj.status) < 0 || now < inj.time) { return ""; }
    return now >= inj.time + LATE_MINUTES ? "late" : "due";
  }
  function actionButton(inj, action) {
    return el("button", {
      type: "button", "data-action": action, "data-id": inj.id, className: "act act-" + action,
      "aria-label": ACTION_LABEL[action] + " " + inj.id, text: ACTION_LABEL[action],
    });
  }
  function recipients(inj) { return ids(inj.to).map(shortOf).join(", "); }
  function buildRow(inj) {
    const tr = el("tr", { "data-inject": inj.id, "data-status": inj.status, "data-version": inj.version, className: "st-" + inj.status });
    const moved = typeof inj.planned_time === "number" && inj.planned_time !== inj.time;
    tr.appendChild(el("td", { className: "c-time" }, [
      el("span", { className: "dtime", text: dtime(inj.time) }),
      el("span", { className: "dtg", text: dtg(inj.time) }),
      moved ? el("span", { className: "retimed", text: "planned " + dtime(inj.planned_time) }) : null,
      el("span", { className: "timing" }),
    ]));
    tr.timing = tr.querySelector(".timing");
    tr.appendChild(el("td", { className: "c-serial", text: inj.serial || "" }));
    tr.appendChild(el("td", {}, [
      el("button", { type: "button", className: "linklike title", "data-open": inj.id, "aria-haspopup": "dialog", text: inj.title || inj.id }),
      el("span", { className: "sub" }, [
        el("span", { className: "id", text: inj.id }),
        " · from " + shortOf(inj.from) + " to " + recipients(inj) + " · " + (inj.method || "") + (inj.net ? " on " + shortOf(inj.net) : ""),
        inj.adhoc ? el("span", { className: "badge adhoc", text: "ad hoc" }) : null,
      ]),
    ]));
    tr.appendChild(el("td", { className: "status-cell" }, [
      el("span", { className: "status st-" + inj.status, "data-status": inj.status, text: STATUS_LABEL[inj.status] || inj.status }),
      inj.version ? el("span", { className: "version", text: "v" + inj.version }) : null,
    ]));
    if ($("mel-table").querySelector("th.c-actions")) {
      const cell = el("td", { className: "c-actions" });
      if (controls(inj)) {
        for (const a of FLOW[inj.status] || []) { if (a !== "cancel") { cell.appendChild(actionButton(inj, a)); } }
      }
      tr.appendChild(cell);
    }
    inj._match = fold([inj.id, inj.title, inj.from, shortOf(inj.from), ids(inj.to).join(" "), recipients(inj),
      inj.method, inj.net, inj.description, inj.expected_action, (inj.objectives || []).join(" "), inj.controller].join(" "));
    return tr;
  }
  function renderMel() {
    const body = clear($("mel-body"));
    S.rows = new Map();
    S.order = Array.from(S.injects.values()).sort(sortKey).map((i) => i.id);
    const frag = document.createDocumentFragment();
    for (const id of S.order) { const tr = buildRow(S.injects.get(id)); S.rows.set(id, tr); frag.appendChild(tr); }
    body.appendChild(frag);
    const status = $("f-status");
    if (status.options.length === 1) { for (const s of STATUSES) { option(status, s, STATUS_LABEL[s]); } }
    filterMel();
    markTiming(true);
  }
  function updateInject(id, before) {
    const inj = S.injects.get(id);
    const old = S.rows.get(id);
    if (!inj) {
      if (old) { old.remove(); S.rows.delete(id); }
      S.order = S.order.filter((x) => x !== id);
    } else {
      const tr = buildRow(inj);
      S.rows.set(id, tr);
      const focused = old ? focusKey(old) : "";
      if (old && before && before.time === inj.time) {
        old.replaceWith(tr);
      } else {
        if (old) { old.remove(); }
        S.order = S.order.filter((x) => x !== id);
        let at = S.order.findIndex((x) => sortKey(S.injects.get(x), inj) > 0);
        if (at < 0) { at = S.order.length; }
        S.order.splice(at, 0, id);
        const next = S.rows.get(S.order[at + 1]);
        $("mel-body").insertBefore(tr, next || null);
      }
      if (focused) {  /* keep the keyboard where it was (the next step's button when that one is gone) */
        const again = tr.querySelector(focused) || tr.querySelector("[data-action]") || tr.querySelector("[data-open]");
        if (again) { again.focus(); }
      }
    }
    filterMel();
    markTiming(true);
    if (S.drawer && S.drawer.id === id) { renderDrawer(); loadHistory(id); }
    if (S.conflict && S.conflict.id === id) { showConflict(S.conflict.id, S.injects.get(id), S.conflict.what); }
  }
  function filterMel() {
    const words = fold($("f-search").value).split(/\s+/).filter(Boolean);
    const status = $("f-status").value;
    const mine = $("f-mine") && $("f-mine").checked;
    const dueOnly = !!$("f-due") && $("f-due").checked;
    const now = exNow();
    let shown = 0;
    for (const id of S.order) {
      const inj = S.injects.get(id), tr = S.rows.get(id);
      const ok = (!status || inj.status === status) && (!mine || controls(inj)) && (!dueOnly || timing(inj, now) !== "") &&
        words.every((w) => inj._match.indexOf(w) >= 0);
      tr.hidden = !ok;
      if (ok) { shown += 1; }
    }
    $("mel-empty").hidden = shown > 0;
    $("mel-summary").textContent = "Showing " + shown + " of " + S.order.length + " inject" + (S.order.length === 1 ? "" : "s") + ".";
  }
  /* a stretch of exercise time in words: "25 min", "3 h 05 min", "2 d 4 h" */
  function span(minutes) {
    const m = Math.floor(minutes);
    if (m < 60) { return m + " min"; }
    if (m < 1440) { return Math.floor(m / 60) + " h " + pad(m % 60) + " min"; }
    return Math.floor(m / 1440) + " d " + Math.floor((m % 1440) / 60) + " h";
  }
  /* due: the clock has reached the inject's time and it is still planned or released; late: 15+ minutes past */
  function markTiming(force) {
    const now = exNow();
    const minute = now === null ? null : Math.floor(now);
    if (!force && minute === markTiming.minute) { return; }
    markTiming.minute = minute;
    for (const [id, tr] of S.rows) {
      const inj = S.injects.get(id);
      const t = timing(inj, now);
      if (tr.dataset.timing !== t) {
        tr.dataset.timing = t;
        tr.classList.toggle("due", t === "due");
        tr.classList.toggle("late", t === "late");
      }
      const label = t === "late" ? "Late " + span(now - inj.time) : t === "due" ? "Due now" : "";
      const cell = tr.timing;
      if (cell.textContent !== label) { cell.textContent = label; }
    }
    if ($("f-due") && $("f-due").checked) { filterMel(); }
  }

  /* ---------- the clock ---------- */
  function tick() {
    const now = exNow();
    const out = $("clock");
    const c = S.clock;
    if (now === null) { out.textContent = "--"; return; }
    out.textContent = dtime(now, true);
    out.dataset.minutes = String(Math.floor(now * 60) / 60);
    $("clock-dtg").textContent = dtg(now);
    const state = $("clock-state");
    state.textContent = c.running ? "Running" + (c.speed !== 1 ? " ×" + c.speed : "") : "Paused";
    state.dataset.running = c.running ? "yes" : "no";
    markTiming(false);
    renderNowLine(now);
    if (isLead()) { renderCounts(); }
  }
  function wireClock() {
    const form = $("clock-form");
    if (!form) { return; }
    const speedInput = $("clock-speed");
    async function act(action) {
      const body = { action: action };
      $("clock-error").textContent = "";
      if (action === "jump") {
        const at = parseTime($("clock-jump").value);
        if (at === null) { $("clock-error").textContent = "Cannot read that time: write D+1 07:45 or a DTG such as 110745ZMAY27."; $("clock-jump").focus(); return; }
        body.ex_time = at;
      }
      if (action === "speed") {
        const v = parseFloat(speedInput.value);
        if (!(v >= 0.1 && v <= 120)) { $("clock-error").textContent = "The speed goes from 0.1 to 120."; speedInput.focus(); return; }
        body.speed = v;
      }
      const r = await send("POST", "/api/clock", body);
      if (r.status === 200 || r.status === 201) {
        if (r.data.clock) { setClock(r.data.clock, r.date); tick(); }
      } else { problem(r, "change the clock"); }
    }
    form.addEventListener("click", (ev) => {
      const b = ev.target.closest("button[data-clock]");
      if (b && b.type === "button") { act(b.dataset.clock); }
    });
    form.addEventListener("submit", (ev) => { ev.preventDefault(); act("jump"); });
  }

  /* ---------- inject actions ---------- */
  async function injectAction(id, action, version, extra) {
    const r = await send("POST", "/api/injects/" + encodeURIComponent(id) + "/actions", Object.assign({ action: action, version: version }, extra || {}));
    if (r.status === 200 || r.status === 201) {
      if (r.data.inject && (!S.injects.get(id) || (S.injects.get(id).version || 0) <= (r.data.inject.version || 0))) {
        const before = S.injects.get(id);
        S.injects.set(id, r.data.inject);
        updateInject(id, before);
        renderDashboard();
      }
      if (S.drawer && S.drawer.id === id) { S.drawer.version = S.injects.get(id).version; renderDrawer(); }
      notify(id + " " + (ACTION_PAST[action] || action) + ".", "ok");
      return true;
    }
    if (r.status === 409) {
      const current = r.data.inject || S.injects.get(id);
      if (r.data.inject) { const before = S.injects.get(id); S.injects.set(id, r.data.inject); updateInject(id, before); }
      showConflict(id, current, ACTION_LABEL[action] || action);
      return false;
    }
    problem(r, (ACTION_LABEL[action] || action).toLowerCase() + " " + id);
    return false;
  }
  function showConflict(id, inj, what) {
    S.conflict = { id: id, what: what, kind: "inject" };
    const box = $("conflict");
    $("conflict-title").textContent = "Someone else changed " + id + " first";
    $("conflict-text").textContent = "Your action (" + what + ") was not made: it was based on an older version of " + id +
      ". This is the inject as it is now; check it, then act again if it is still needed.";
    const dl = clear($("conflict-state"));
    if (inj) {
      const add = (k, v) => { dl.append(el("dt", { text: k }), el("dd", { text: v })); };
      add("Inject", inj.id + " — " + (inj.title || ""));
      add("Status", STATUS_LABEL[inj.status] || inj.status);
      add("Time", dtime(inj.time) + " (" + dtg(inj.time) + ")");
      add("Version", String(inj.version));
      const last = S.last.get(id);
      if (last && last.actor) { add("Last change", (ACTION_PAST[last.kind] || last.kind) + " by " + last.actor + (typeof last.ex_time === "number" ? " at " + dtime(last.ex_time) : "")); }
    }
    $("conflict-open").hidden = !inj;
    box.dataset.inject = id;
    box.hidden = false;
    if (!box.contains(document.activeElement)) { box.focus(); }
  }
  function showObservationConflict(obs) {
    S.conflict = { id: null, kind: "observation" };
    $("conflict-title").textContent = "This observation was changed elsewhere";
    $("conflict-text").textContent = "Your edit was not saved: the observation changed since you opened it. This is what it says now.";
    const dl = clear($("conflict-state"));
    if (obs) {
      dl.append(el("dt", { text: "Text" }), el("dd", { text: obs.text }), el("dt", { text: "Rating" }), el("dd", { text: RATING_LABEL[obs.rating || ""] }),
        el("dt", { text: "Version" }), el("dd", { text: String(obs.version) }));
    }
    $("conflict-open").hidden = true;
    $("conflict").hidden = false;
    $("conflict").focus();
  }
  function hideConflict() { S.conflict = null; $("conflict").hidden = true; }

  /* ---------- the inject drawer ---------- */
  function openDrawer(id) {
    const inj = S.injects.get(id);
    if (!inj) { return; }
    S.drawer = { id: id, version: inj.version, opener: document.activeElement, history: null };
    renderDrawer();
    loadHistory(id);
    const d = $("drawer");
    d.hidden = false;
    d.focus();
  }
  function closeDrawer() {
    const d = $("drawer");
    if (d.hidden) { return; }
    d.hidden = true;
    const opener = S.drawer && S.drawer.opener;
    const row = S.drawer && S.rows.get(S.drawer.id);
    S.drawer = null;
    if (opener && document.body.contains(opener)) { opener.focus(); } else if (row) { const b = row.querySelector("[data-open]"); if (b) { b.focus(); } }
  }
  function facts(pairs) {
    const dl = el("dl", { className: "facts" });
    for (const [k, v] of pairs) { if (v) { dl.append(el("dt", { text: k }), el("dd", { text: v })); } }
    return dl;
  }
  function textForm(name, label, button, onSubmit) {
    const form = el("form", { className: "stack drawer-form", "data-form": name, autocomplete: "off" });
    const fid = "drawer-" + name;
    form.append(el("label", { for: fid, text: label }),
      name === "retime" ? el("input", { id: fid, name: name, type: "text", placeholder: "D+1 07:45", spellcheck: "false" })
        : el("textarea", { id: fid, name: name, rows: 2, required: true }),
      el("button", { type: "submit", text: button }));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const input = form.querySelector("#" + fid);
      if (await onSubmit(input.value, input)) { input.value = ""; }
    });
    return form;
  }
  function renderDrawer() {
    const dr = S.drawer;
    if (!dr) { return; }
    const inj = S.injects.get(dr.id);
    const kept = {};
    for (const f of $("drawer-body").querySelectorAll("input, textarea")) { kept[f.id] = f.value; }
    const focused = focusKey($("drawer-body"));
    const body = clear($("drawer-body"));
    if (!inj) { $("drawer-title").textContent = dr.id; body.append(el("p", { className: "none", text: "This inject is no longer visible to you." })); return; }
    $("drawer-title").textContent = (inj.serial ? "#" + inj.serial + " " : "") + inj.id + " — " + (inj.title || "");
    body.dataset.inject = inj.id;
    if (inj.version !== dr.version) {
      const stale = el("div", { className: "stale", role: "status", id: "drawer-stale" }, [
        el("p", { text: "Changed since you opened it: it is now " + (STATUS_LABEL[inj.status] || inj.status) + ", version " + inj.version +
          ". An action from here is refused as a conflict until you reload the inject." }),
        el("button", { type: "button", id: "drawer-reload", text: "Reload the inject" }),
      ]);
      stale.querySelector("button").addEventListener("click", () => { dr.version = inj.version; renderDrawer(); });
      body.append(stale);
    }
    const moved = typeof inj.planned_time === "number" && inj.planned_time !== inj.time;
    body.append(facts([
      ["Status", (STATUS_LABEL[inj.status] || inj.status) + " (version " + dr.version + (inj.version !== dr.version ? ", now " + inj.version : "") + ")"],
      ["Time", dtime(inj.time) + " · " + dtg(inj.time) + (moved ? " (planned " + dtime(inj.planned_time) + ")" : "")],
      ["From", nameOf(inj.from)], ["To", ids(inj.to).map(nameOf).join(", ")],
      ["Method", (inj.method || "") + (inj.net ? " on " + nameOf(inj.net) : "")],
      ["Controller", inj.controller ? nameOf(inj.controller) : "None"],
      ["Objectives", (inj.objectives || []).join(", ")],
      ["Incident", inj.incident ? nameOf(inj.incident) : ""],
      ["Contingency", inj.contingency ? "If the expected action is not seen: " + inj.contingency : ""],
      ["Threat", inj.threat ? inj.threat.kind + (ids(inj.threat.ids).length ? " (" + ids(inj.threat.ids).join(", ") + ")" : "") : ""],
      ["Added", inj.adhoc ? "Ad hoc, during conduct" : ""],
    ]));
    if (inj.description) { body.append(el("h3", { text: "Description" }), el("p", { className: "prose", text: inj.description })); }
    if (inj.expected_action) { body.append(el("h3", { text: "Expected action" }), el("p", { className: "prose", text: inj.expected_action })); }
    if (typeof inj.notes === "string" && inj.notes) { body.append(el("h3", { text: "Planned EXCON notes" }), el("p", { className: "prose", text: inj.notes })); }
    if (controls(inj)) {
      const flow = FLOW[inj.status] || [];
      const acts = el("div", { className: "buttons drawer-actions", role: "group", "aria-label": "Status actions" });
      for (const a of flow) { acts.appendChild(actionButton(inj, a)); }
      acts.addEventListener("click", (ev) => {
        const b = ev.target.closest("button[data-action]");
        if (b) { ev.stopPropagation(); injectAction(inj.id, b.dataset.action, dr.version); }
      });
      if (flow.length) { body.append(el("h3", { text: "Status" }), acts); }
      if (inj.status !== "cancelled") {
        body.append(textForm("retime", "Re-time to (D+N HH:MM or DTG)", "Re-time", (value, input) => {
          const at = parseTime(value);
          if (at === null) { notify("Cannot read that time: write D+1 07:45 or a DTG such as 110745ZMAY27.", "error"); input.focus(); return false; }
          return injectAction(inj.id, "retime", dr.version, { time: at });
        }));
        body.append(textForm("response", "Training audience response", "Record response", (value) =>
          value.trim() ? injectAction(inj.id, "response", S.injects.get(inj.id).version, { text: value.trim() }) : false));
      }
      body.append(textForm("annotate", "EXCON note (not shown to evaluators or observers)", "Add note", (value) =>
        value.trim() ? injectAction(inj.id, "annotate", S.injects.get(inj.id).version, { text: value.trim() }) : false));
    }
    const planned = (Array.isArray(inj.notes) ? inj.notes : []).filter((n) => !n.seq);
    if (planned.length) {
      body.append(el("h3", { text: "Planned EXCON notes" }));
      for (const n of planned) { body.append(el("p", { className: "prose excon-note", text: n.text })); }
    }
    body.append(el("h3", { text: "History" }));
    if (!dr.history) { body.append(el("p", { className: "none", text: "Loading the history…" })); } else if (!dr.history.length) {
      body.append(el("p", { className: "none", text: "Nothing done with this inject yet." }));
    } else {
      const list = el("ol", { className: "history", "aria-label": "History of " + inj.id });
      for (const h of dr.history) { list.append(historyItem(h)); }
      body.append(list);
    }
    for (const f of body.querySelectorAll("input, textarea")) { if (kept[f.id]) { f.value = kept[f.id]; } }
    const again = focused && body.querySelector(focused);
    if (again) { again.focus(); }
  }
  /* a selector that finds the focused control again after its part of the page is drawn anew */
  function focusKey(within) {
    const a = document.activeElement;
    if (!a || !within.contains(a)) { return ""; }
    if (a.id) { return "#" + CSS.escape(a.id); }
    if (a.dataset.action) { return '[data-action="' + CSS.escape(a.dataset.action) + '"]'; }
    const form = a.closest("form[data-form]");
    return form ? 'form[data-form="' + CSS.escape(form.dataset.form) + '"] button' : "";
  }
  function historyItem(h) {
    const kind = String(h.kind || "").replace(/^inject\./, "");
    const p = h.payload || {};
    const what = kind === "annotate" ? "EXCON note: " + (p.text || "") : kind === "response" ? (p.text ? "Response: " + p.text : "Response recorded")
      : kind === "retime" ? "Re-timed to " + (typeof p.time === "number" ? dtime(p.time) : String(p.time || "")) : kind === "add" ? "Added (ad hoc)"
        : (ACTION_PAST[kind] || kind).replace(/^./, (c) => c.toUpperCase());
    return el("li", { "data-kind": kind, "data-seq": h.seq }, [el("span", { className: "when", text: typeof h.ex_time === "number" ? dtime(h.ex_time) : "" }),
      what, el("span", { className: "muted", text: h.actor ? " — " + h.actor : "" })]);
  }
  /* the inject's history from the server (GET /api/injects/{id}), read again when the inject changes */
  async function loadHistory(id) {
    const r = await get("/api/injects/" + encodeURIComponent(id));
    if (!S.drawer || S.drawer.id !== id) { return; }
    S.drawer.history = r.status === 200 && Array.isArray(r.data.history) ? r.data.history : [];
    renderDrawer();
  }

  /* ---------- the ad-hoc inject form ---------- */
  function fillSelect(select, items, keep) {
    if (!select) { return; }
    const chosen = Array.from(select.selectedOptions || [], (o) => o.value);
    const fixed = Array.from(select.options).filter((o) => o.value === "" && keep);
    clear(select);
    for (const o of fixed) { select.appendChild(o); }
    for (const [value, label] of items) { option(select, value, label); }
    for (const o of select.options) { if (chosen.indexOf(o.value) >= 0) { o.selected = true; } }
  }
  function fillForms() {
    const units = S.units.map((u) => [u.id, (u.short_name || u.name || u.id) + " (" + u.id + ")"]);
    if ($("adhoc-form")) {
      const scope = S.me.scope || {};
      const senders = [];
      const seen = new Set();
      const add = (id, label) => { if (id && !seen.has(id)) { seen.add(id); senders.push([id, label]); } };
      for (const id of ids(scope.cell)) { add(id, "My cell: " + id); }
      for (const id of ids(scope.role_players)) { add(id, "Role player " + nameOf(id)); }
      for (const id of ids(scope.controllers).concat(ids(scope.controller))) { add(id, "Controller " + nameOf(id)); }
      for (const c of S.cells) { add(c.id, "Cell " + c.id); }
      for (const c of S.controllers) { add(c.id, "Controller " + nameOf(c.id)); }
      for (const [id, label] of units) { add(id, "Unit " + label); }
      fillSelect($("adhoc-from"), senders, false);
      fillSelect($("adhoc-to"), units, false);
      fillSelect($("adhoc-net"), S.nets.map((n) => [n.id, nameOf(n.id)]), true);
      fillSelect($("adhoc-controller"), S.controllers.map((c) => [c.id, nameOf(c.id)]), true);
      fillSelect($("adhoc-objectives"), S.objectives.map((o) => [o.id, o.id + " — " + o.title]), false);
      if (role() === "controller" && scope.controller && !$("adhoc-controller").value) { $("adhoc-controller").value = scope.controller; }
    }
    if ($("comms-form")) {
      const subject = $("comms-subject");
      clear(subject);
      const pg = el("optgroup", { label: "PACE links" });
      for (const p of S.pace) { pg.appendChild(el("option", { value: "pace:" + p.id, text: p.id + ": " + ids(p.between).map(shortOf).join(" ↔ ") })); }
      const ng = el("optgroup", { label: "Nets" });
      for (const n of S.nets) { ng.appendChild(el("option", { value: "net:" + n.id, text: nameOf(n.id) })); }
      if (S.pace.length) { subject.appendChild(pg); }
      if (S.nets.length) { subject.appendChild(ng); }
      fillSelect($("comms-units"), units, false);
    }
    if ($("observation-form")) {
      const mine = role() === "evaluator" ? ids((S.me.scope || {}).objectives) : S.objectives.map((o) => o.id);
      fillSelect($("obs-objective"), S.objectives.filter((o) => mine.indexOf(o.id) >= 0).map((o) => [o.id, o.id + " — " + o.title]), false);
      fillTasks();
    }
  }
  function fillTasks() {
    const o = S.objectives.find((x) => x.id === $("obs-objective").value);
    const tasks = (o && o.critical_tasks) || [];
    fillSelect($("obs-task"), [["", "The objective as a whole"]].concat(tasks.map((t, n) => [t, (n + 1) + ". " + t])), false);
  }
  function clearDiagnostics(form) {
    for (const d of form.querySelectorAll(".diag")) { d.remove(); }
    for (const f of form.querySelectorAll("[aria-invalid]")) { f.removeAttribute("aria-invalid"); f.removeAttribute("aria-describedby"); }
    const general = form.querySelector(".diagnostics");
    if (general) { clear(general); }
  }
  function showDiagnostics(form, diagnostics) {
    let n = 0;
    for (const d of diagnostics) {
      const path = String(d.field || "").replace(/^\/+/, "").split("/");
      const box = path[0] ? form.querySelector('[data-field="' + CSS.escape(path[0]) + '"]') : null;
      const id = form.id + "-diag-" + (n += 1);
      const text = (d.severity === "warning" ? "Warning: " : "") + d.message + (d.code ? " (" + d.code + ")" : "");
      if (box) {
        box.appendChild(el("p", { className: "diag " + (d.severity || "error"), id: id, "data-code": d.code || "", text: text }));
        const input = box.querySelector("input, select, textarea");
        if (input) {
          input.setAttribute("aria-invalid", "true");
          input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " " + id).trim());
        }
      } else {
        form.querySelector(".diagnostics").appendChild(el("li", { className: "diag " + (d.severity || "error"), id: id, "data-code": d.code || "", text: (path[0] ? path.join("/") + ": " : "") + text }));
      }
    }
    const first = form.querySelector("[aria-invalid]");
    if (first) { first.focus(); }
  }
  function wireAdhoc() {
    const form = $("adhoc-form");
    if (!form) { return; }
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      clearDiagnostics(form);
      $("adhoc-result").textContent = "";
      const v = (name) => form.elements[name].value.trim();
      const many = (name) => Array.from(form.elements[name].selectedOptions, (o) => o.value);
      const inject = { id: v("id"), time: v("time"), from: v("from"), to: many("to"), method: v("method"), title: v("title") };
      const optional = { net: v("net"), controller: v("controller"), description: v("description"), expected_action: v("expected_action"), notes: v("notes") };
      for (const [k, val] of Object.entries(optional)) { if (val) { inject[k] = val; } }
      const objectives = many("objectives");
      if (objectives.length) { inject.objectives = objectives; }
      const r = await send("POST", "/api/injects", { inject: inject });
      if (r.status === 200 || r.status === 201) {
        const added = r.data.inject;
        if (added && !S.injects.has(added.id)) { S.injects.set(added.id, added); updateInject(added.id, null); renderDashboard(); }
        const warnings = Array.isArray(r.data.diagnostics) ? r.data.diagnostics : [];
        $("adhoc-result").textContent = "Added " + inject.id + (warnings.length ? ", with " + warnings.length + " warning" + (warnings.length === 1 ? "" : "s") + " below" : "") + ".";
        form.reset();
        fillForms();
        for (const w of warnings) {
          $("adhoc-general").appendChild(el("li", { className: "diag " + (w.severity || "warning"), "data-code": w.code || "",
            text: inject.id + (w.field ? " " + w.field : "") + ": " + w.message + (w.code ? " (" + w.code + ")" : "") }));
        }
        return;
      }
      if (r.status === 422 && Array.isArray(r.data.diagnostics)) {
        showDiagnostics(form, r.data.diagnostics);
        $("adhoc-result").textContent = "Not added: " + r.data.diagnostics.length + " problem" + (r.data.diagnostics.length === 1 ? "" : "s") + " to fix.";
        return;
      }
      if (r.status === 422 || r.status === 409) {
        showDiagnostics(form, [{ severity: "error", code: r.data.error || "", message: r.data.message || "The inject was refused.", field: r.data.field || "" }]);
        return;
      }
      problem(r, "add an inject");
    });
  }

  /* ---------- comms events ---------- */
  function wireComms() {
    const form = $("comms-form");
    if (!form) { return; }
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const [kind, id] = $("comms-subject").value.split(/:(.*)/s);
      if (!id) { return; }
      const body = { state: $("comms-state").value };
      body[kind] = id;
      if ($("comms-level").value) { body.level = $("comms-level").value; }
      const units = Array.from($("comms-units").selectedOptions, (o) => o.value);
      if (units.length) { body.units = units; }
      if ($("comms-text").value.trim()) { body.text = $("comms-text").value.trim(); }
      const r = await send("POST", "/api/comms", body);
      if (r.status === 200 || r.status === 201) {
        $("comms-result").textContent = "Logged: " + id + " " + body.state + ".";
        $("comms-text").value = "";
        return;
      }
      problem(r, "log the comms event");
    });
  }
  function renderComms() {
    const table = $("comms-log");
    if (!table) { return; }
    const body = clear(table.tBodies[0]);
    const list = S.comms.slice().sort((a, b) => b.seq - a.seq);
    for (const c of list) {
      body.appendChild(el("tr", { "data-seq": c.seq, className: "comms-" + c.state }, [
        el("td", { text: dtime(c.ex_time) }), el("td", { text: c.pace || nameOf(c.net) || c.subject }),
        el("td", { text: c.state === "down" ? "Down" : c.state === "up" ? "Up" : c.state }),
        el("td", { text: LEVEL_LABEL[c.level] || "" }), el("td", { text: c.text + (c.units.length ? " [" + c.units.join(", ") + "]" : "") }),
        el("td", { text: c.actor }),
      ]));
    }
    if (!list.length) { body.appendChild(el("tr", {}, [el("td", { colspan: 6, className: "none", text: "No comms event logged yet." })])); }
  }

  /* ---------- observations ---------- */
  function wireObservations() {
    const form = $("observation-form");
    if (!form) { return; }
    $("obs-objective").addEventListener("change", fillTasks);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      clearDiagnostics(form);
      const body = { objective: $("obs-objective").value, task: $("obs-task").value, text: $("obs-text").value.trim(),
        rating: (form.querySelector('input[name="rating"]:checked') || { value: "" }).value };
      if (!body.text) { showDiagnostics(form, [{ severity: "error", message: "Write what you observed.", field: "text" }]); return; }
      if ($("obs-time").value.trim()) {
        const at = parseTime($("obs-time").value);
        if (at === null) { showDiagnostics(form, [{ severity: "error", message: "Cannot read that time: write D+1 07:45 or a DTG.", field: "ex_time" }]); return; }
        body.ex_time = at;
      }
      const r = await send("POST", "/api/observations", body);
      if (r.status === 200 || r.status === 201) {
        if (r.data.observation) { S.observations.set(String(r.data.observation.id), r.data.observation); renderObservations(); renderDashboard(); }
        $("obs-result").textContent = "Observation recorded.";
        $("obs-text").value = "";
        $("obs-time").value = "";
        form.querySelector('input[name="rating"][value=""]').checked = true;
        return;
      }
      if (r.status === 422 && Array.isArray(r.data.diagnostics)) { showDiagnostics(form, r.data.diagnostics); return; }
      problem(r, "record the observation");
    });
  }
  function editObservation(li, obs) {
    const version = obs.version;
    const form = el("form", { className: "stack obs-edit", autocomplete: "off" });
    const tid = "obs-edit-text-" + obs.id, rid = "obs-edit-rating-" + obs.id;
    const rating = el("select", { id: rid });
    for (const code of RATINGS.concat([""])) { option(rating, code, RATING_LABEL[code]); }
    rating.value = obs.rating || "";
    const text = el("textarea", { id: tid, rows: 3, required: true });
    text.value = obs.text;
    form.append(el("label", { for: tid, text: "Observation" }), text, el("label", { for: rid, text: "Proposed rating" }), rating,
      el("div", { className: "buttons" }, [el("button", { type: "submit", className: "primary", text: "Save" }), " ", el("button", { type: "button", "data-cancel": "1", text: "Cancel" })]));
    form.querySelector("[data-cancel]").addEventListener("click", renderObservations);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const r = await send("PUT", "/api/observations/" + encodeURIComponent(obs.id), { text: text.value.trim(), rating: rating.value, version: version });
      if (r.status === 200) {
        if (r.data.observation) { S.observations.set(String(obs.id), r.data.observation); }
        renderObservations();
        renderDashboard();
        notify("Observation saved.", "ok");
      } else if (r.status === 409) {
        const current = r.data.observation || S.observations.get(String(obs.id));
        if (r.data.observation) { S.observations.set(String(obs.id), r.data.observation); }
        showObservationConflict(current);
      } else { problem(r, "change the observation"); }
    });
    li.replaceChildren(form);
    text.focus();
  }
  function renderObservations() {
    const host = $("observation-list");
    if (!host) { return; }
    const form = $("observation-form");
    form.hidden = !(S.me.can && S.me.can.observe) || S.closed;
    $("evaluation-closed").hidden = !S.closed;
    clear(host);
    const all = Array.from(S.observations.values()).sort((a, b) => a.ex_time - b.ex_time || a.id - b.id);
    const objectives = S.objectives.filter((o) => all.some((x) => x.objective === o.id) ||
      (role() === "evaluator" && ids((S.me.scope || {}).objectives).indexOf(o.id) >= 0));
    for (const o of objectives) {
      const mine = all.filter((x) => x.objective === o.id);
      const section = el("section", { className: "obs-objective", "data-objective": o.id, "aria-label": o.id + " observations" },
        [el("h3", { text: o.id + " — " + o.title + " (" + mine.length + ")" })]);
      const tasks = [""].concat(o.critical_tasks || []);
      for (const x of mine) { if (tasks.indexOf(x.task || "") < 0) { tasks.push(x.task); } }
      for (const task of tasks) {
        const these = mine.filter((x) => (x.task || "") === task);
        if (!these.length) { continue; }
        const ul = el("ul", { className: "obs-list" });
        for (const x of these) {
          const own = x.author === S.me.user;
          const li = el("li", { "data-observation": x.id, "data-rating": x.rating || "" }, [
            el("span", { className: "when", text: dtime(x.ex_time) }),
            el("span", { className: "badge rating rating-" + (x.rating || "none"), title: RATING_LABEL[x.rating || ""], text: x.rating || "–" }),
            el("span", { className: "obs-text", text: x.text }),
            el("span", { className: "by muted", text: " — " + x.author + (x.version > 1 ? " (edited)" : "") }),
          ]);
          if (own && !S.closed) {
            const b = el("button", { type: "button", className: "linklike", "data-edit": x.id, text: "Edit" });
            b.addEventListener("click", () => editObservation(li, x));
            li.append(" ", b);
          }
          ul.appendChild(li);
        }
        section.append(el("h4", { text: task || "The objective as a whole" }), ul);
      }
      if (!mine.length) { section.append(el("p", { className: "none", text: "No observation yet." })); }
      host.appendChild(section);
    }
  }

  /* ---------- the director's dashboard ---------- */
  function renderCounts() {
    const list = $("dash-counts");
    if (!list) { return; }
    const now = exNow();
    const n = { due: 0, late: 0, held: 0, released: 0, covered: 0, cancelled: 0, planned: 0 };
    for (const inj of S.injects.values()) {
      const t = timing(inj, now);
      if (t) { n[t] += 1; }
      if (inj.status === "held") { n.held += 1; }
      if (inj.status === "released") { n.released += 1; }
      if (COVERED.indexOf(inj.status) >= 0) { n.covered += 1; }
      if (inj.status === "cancelled") { n.cancelled += 1; }
      if (inj.status === "planned" && !t) { n.planned += 1; }
    }
    const labels = [["due", "Due now"], ["late", "Late (15+ min)"], ["held", "Held"], ["released", "Released, not yet delivered"],
      ["covered", "Delivered or further"], ["planned", "Planned, not yet due"], ["cancelled", "Cancelled"]];
    const key = JSON.stringify(n);
    if (list.dataset.key === key) { return; }
    list.dataset.key = key;
    clear(list);
    for (const [k, label] of labels) {
      list.appendChild(el("li", { "data-count": k, className: "count-" + k + (n[k] && (k === "late" || k === "due") ? " alert" : "") },
        [el("span", { className: "n", text: n[k] }), el("span", { className: "what", text: label })]));
    }
  }
  function renderDashboard() {
    if (!$("dashboard")) { return; }
    renderCounts();
    const cov = clear($("dash-coverage").tBodies[0]);
    for (const o of S.objectives) {
      const mine = Array.from(S.injects.values()).filter((i) => (i.objectives || []).indexOf(o.id) >= 0 && i.status !== "cancelled");
      const done = mine.filter((i) => COVERED.indexOf(i.status) >= 0).length;
      cov.appendChild(el("tr", { "data-objective": o.id, className: done ? "covered" : "" }, [
        el("th", { scope: "row", title: o.title, text: o.id }),
        el("td", {}, [el("meter", { min: 0, max: Math.max(1, mine.length), value: done, "aria-label": o.id + " coverage", text: done + "/" + mine.length })]),
        el("td", { className: "num", text: done + " / " + mine.length }),
      ]));
    }
    const obs = clear($("dash-observations").tBodies[0]);
    for (const o of S.objectives) {
      const these = Array.from(S.observations.values()).filter((x) => x.objective === o.id);
      const by = (r) => these.filter((x) => x.rating === r).length;
      obs.appendChild(el("tr", { "data-objective": o.id }, [el("th", { scope: "row", title: o.title, text: o.id }),
        el("td", { className: "num", text: these.length })].concat(RATINGS.map((r) => el("td", { className: "num", text: by(r) || "" })))));
    }
    const close = $("close-evaluation");
    if (close) {
      close.disabled = S.closed;
      $("evaluation-state").textContent = S.closed ? "The evaluation is closed: observations are final." : "Evaluators can add and edit observations.";
    }
    renderPace();
  }
  /* The PACE chart: per plan an upper band of planned levels (timeline) and a lower band of what
     controllers logged (levels in use, down ▼ and up ▲ at their exercise time). */
  const CHART = { left: 230, right: 12, top: 40, lane: 14, gap: 4, row: 44, width: 1000 };
  function xOf(minutes) { return CHART.left + (CHART.width - CHART.left - CHART.right) * Math.max(0, Math.min(1, minutes / (S.duration || 1))); }
  function planNets(plan) {
    const lv = plan.levels || [];
    return Array.isArray(lv) ? lv.map((l) => l.net) : Object.values(lv);
  }
  function eventsFor(plan) {
    const nets = planNets(plan);
    return S.comms.filter((c) => c.pace === plan.id || (!c.pace && c.net && nets.indexOf(c.net) >= 0)).sort((a, b) => a.ex_time - b.ex_time || a.seq - b.seq);
  }
  function clip(text, n) { return text.length > n ? text.slice(0, n - 1) + "…" : text; }
  function renderPace() {
    const host = $("dash-pace");
    if (!host) { return; }
    clear(host);
    const height = CHART.top + S.pace.length * CHART.row + 8;
    const chart = svg("svg", { viewBox: "0 0 " + CHART.width + " " + height, width: "100%", class: "pace-svg", focusable: "false", "aria-hidden": "true" });
    const grid = svg("g", { class: "grid" });
    for (let day = 0; day * 1440 <= S.duration + 1440; day += 1) {
      const m = (S.startDay + day * 86400000 - S.startex) / 60000;
      if (m < 0 || m > S.duration) { continue; }
      grid.append(svg("line", { x1: xOf(m), x2: xOf(m), y1: CHART.top - 16, y2: height - 6, class: "day-line" }),
        svg("text", { x: xOf(m) + 3, y: CHART.top - 6, class: "axis", text: "D+" + day }));
    }
    for (const p of S.phases) {
      const room = Math.floor((xOf(p.end) - xOf(p.start) - 8) / 5.5);
      const label = (p.id + " " + (p.title || "")).trim();
      grid.append(svg("line", { x1: xOf(p.start), x2: xOf(p.start), y1: 2, y2: 16, class: "phase-line" }),
        svg("text", { x: xOf(p.start) + 3, y: 12, class: "phase-label", text: label.length > room ? label.slice(0, Math.max(0, room - 1)) + "…" : label },
          [svg("title", { text: p.id + ": " + p.title })]));
    }
    chart.appendChild(grid);
    S.pace.forEach((plan, n) => {
      const y = CHART.top + n * CHART.row;
      const g = svg("g", { class: "pace-row", "data-pace": plan.id });
      g.append(svg("text", { x: 4, y: y + 12, class: "plan-label", text: plan.id }),
        svg("text", { x: 4, y: y + 27, class: "plan-sub", text: clip(ids(plan.between).map(shortOf).join(" ↔ "), 32) },
          [svg("title", { text: ids(plan.between).map(nameOf).join(" ↔ ") })]),
        svg("text", { x: CHART.left - 6, y: y + 11, class: "lane-label", "text-anchor": "end", text: "planned" }),
        svg("text", { x: CHART.left - 6, y: y + CHART.lane + CHART.gap + 11, class: "lane-label", "text-anchor": "end", text: "logged" }));
      for (const seg of plan.timeline || []) {
        g.appendChild(svg("rect", { x: xOf(seg.start), y: y, width: Math.max(1, xOf(seg.end) - xOf(seg.start)), height: CHART.lane, class: "lvl lvl-" + (seg.level || "none") },
          [svg("title", { text: (LEVEL_LABEL[seg.level] || "No path") + (seg.net ? " on " + shortOf(seg.net) : "") + ", " + dtime(seg.start) + " to " + dtime(seg.end) })]));
      }
      const ly = y + CHART.lane + CHART.gap;
      g.appendChild(svg("rect", { x: CHART.left, y: ly, width: CHART.width - CHART.left - CHART.right, height: CHART.lane, class: "lane-bg" }));
      const events = eventsFor(plan);
      const now = exNow() === null ? 0 : Math.min(S.duration, exNow());
      const withLevel = events.filter((e) => e.level);
      withLevel.forEach((e, k) => {
        const end = k + 1 < withLevel.length ? withLevel[k + 1].ex_time : Math.max(now, e.ex_time);
        g.appendChild(svg("rect", { x: xOf(e.ex_time), y: ly, width: Math.max(2, xOf(end) - xOf(e.ex_time)), height: CHART.lane, class: "lvl lvl-" + e.level, "data-seq": e.seq },
          [svg("title", { text: (LEVEL_LABEL[e.level] || e.level) + " in use from " + dtime(e.ex_time) + " (" + e.actor + ")" })]));
      });
      for (const e of events) {
        const x = xOf(e.ex_time);
        const down = e.state === "down";
        const d = down ? `M${x - 5},${ly - 3} L${x + 5},${ly - 3} L${x},${ly + 6} Z` : `M${x - 5},${ly + CHART.lane + 3} L${x + 5},${ly + CHART.lane + 3} L${x},${ly + CHART.lane - 6} Z`;
        g.appendChild(svg("path", { d: d, class: "mark " + (down ? "mark-down" : "mark-up"), "data-seq": e.seq },
          [svg("title", { text: (e.pace || shortOf(e.net)) + " " + (down ? "down" : "up") + " at " + dtime(e.ex_time) + (e.level ? ", " + LEVEL_LABEL[e.level] + " in use" : "") + (e.text ? ": " + e.text : "") + " (" + e.actor + ")" })]));
      }
      chart.appendChild(g);
    });
    chart.appendChild(svg("line", { id: "pace-now", x1: 0, x2: 0, y1: CHART.top - 6, y2: height - 4, class: "now-line" }));
    host.appendChild(chart);
    const summary = S.pace.map((p) => {
      const ev = eventsFor(p);
      return p.id + ": " + (ev.length ? ev.length + " comms event" + (ev.length === 1 ? "" : "s") + " logged" : "nothing logged");
    }).join("; ");
    host.setAttribute("aria-label", "PACE timeline. " + summary + ".");
    const legend = clear($("dash-pace-legend"));
    for (const l of LEVELS) { legend.appendChild(el("li", {}, [el("span", { className: "swatch lvl-" + l }), LEVEL_LABEL[l]])); }
    legend.append(el("li", {}, [el("span", { className: "sym down", text: "▼" }), "Down"]), el("li", {}, [el("span", { className: "sym up", text: "▲" }), "Up"]),
      el("li", {}, [el("span", { className: "swatch now" }), "Exercise clock"]));
    renderNowLine(exNow());
  }
  function renderNowLine(now) {
    const line = $("pace-now");
    if (!line) { return; }
    const x = now === null ? -10 : xOf(now);
    line.setAttribute("x1", x);
    line.setAttribute("x2", x);
  }

  function renderAll() {
    renderMel();
    renderComms();
    renderObservations();
    renderDashboard();
    tick();
  }

  /* ---------- wiring ---------- */
  function wire() {
    $("mel-filters").addEventListener("input", filterMel);
    $("mel-filters").addEventListener("submit", (ev) => ev.preventDefault());
    $("mel-body").addEventListener("click", (ev) => {
      const open = ev.target.closest("[data-open]");
      if (open) { openDrawer(open.dataset.open); return; }
      const b = ev.target.closest("button[data-action]");
      if (b) {
        const inj = S.injects.get(b.dataset.id);
        const tr = b.closest("tr");
        if (inj) { injectAction(inj.id, b.dataset.action, +tr.dataset.version); }
      }
    });
    $("drawer-close").addEventListener("click", closeDrawer);
    document.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape" && !$("drawer").hidden) { closeDrawer(); }
      if (ev.key === "/" && !/^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName)) { ev.preventDefault(); $("f-search").focus(); }
    });
    $("conflict-dismiss").addEventListener("click", hideConflict);
    $("conflict-open").addEventListener("click", () => { const id = S.conflict && S.conflict.id; hideConflict(); if (id) { openDrawer(id); } });
    $("conflict-refresh").addEventListener("click", async () => {
      const id = S.conflict && S.conflict.id;
      hideConflict();
      await reloadState();
      connect();
      if (S.drawer) { S.drawer.version = (S.injects.get(S.drawer.id) || {}).version; renderDrawer(); }
      if (id && S.rows.get(id)) { const b = S.rows.get(id).querySelector("[data-open]"); if (b) { b.focus(); } }
    });
    $("logout").addEventListener("click", async () => {
      await send("POST", "/logout", {});
      if (S.source) { S.source.close(); }
      window.location.assign("/login");
    });
    const close = $("close-evaluation");
    if (close) {
      close.addEventListener("click", async () => {
        if (!window.confirm("Close the evaluation? Evaluators can then no longer add or change observations.")) { return; }
        const r = await send("POST", "/api/evaluation/close", {});
        if (r.status === 200 || r.status === 201) { S.closed = true; renderObservations(); renderDashboard(); } else { problem(r, "close the evaluation"); }
      });
    }
    wireClock();
    wireAdhoc();
    wireComms();
    wireObservations();
  }

  /* the sticky table headers, the drawer and section jumps sit under the sticky banner and top bar */
  function watchTopbar() {
    const bar = document.querySelector(".topbar");
    if (!bar || !window.ResizeObserver) { return; }
    const set = () => {
      const top = parseFloat(getComputedStyle(bar).top) || 0;
      document.documentElement.style.setProperty("--stick", Math.round(top + bar.offsetHeight) + "px");
    };
    new ResizeObserver(set).observe(bar);
    set();
  }

  async function start() {
    watchTopbar();
    wire();
    if (await load()) {
      if ($("clock-speed") && S.clock) { $("clock-speed").value = String(S.clock.speed); }
      connect();
      setInterval(tick, 1000);
    }
  }
  start();
}());
