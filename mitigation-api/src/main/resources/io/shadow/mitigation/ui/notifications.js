// Shadow web UI: the signed-in user's notifications, listed (GET /v1/notifications) and kept up to date live
// from the SSE stream, with a "new" badge in the header. Loaded before app.js, whose helpers it uses.
"use strict";
// The stream is read with fetch(), not EventSource: EventSource cannot send the Authorization header, and a
// token in the URL would end up in access logs.
const NOTES_LISTED = 200;
const seenKey = "shadow.seen";
const retryMax = 30000;
// Every notification known in this tab, by id: from the list and from the stream (either may bring one first).
let notes = new Map();
let listening = null; // the AbortController of the running stream reader, null when none
let lastEventId = null;
// Counts sign-outs: a list read that began before one belongs to the last user and is dropped when it answers.
let generation = 0;

// What the user has seen: the ids shown on the notifications page, in this tab's session storage.
function seenIds() {
  try { return new Set(JSON.parse(sessionStorage.getItem(seenKey) || "[]")); } catch (e) { return new Set(); }
}
function markSeen(ids) {
  const all = Array.from(new Set([...seenIds(), ...ids])).slice(-2000);
  sessionStorage.setItem(seenKey, JSON.stringify(all));
}

function unread() {
  const seen = seenIds();
  return Array.from(notes.values()).filter(n => !seen.has(n.notificationId));
}

function showBadge() {
  const badge = document.getElementById("unread");
  const n = unread().length;
  badge.textContent = n ? n + " new" : "";
  badge.hidden = n === 0;
}

function remember(n) {
  if (n && n.notificationId && !notes.has(n.notificationId)) {
    notes.set(n.notificationId, n);
    return true;
  }
  return false;
}

// Reads the list again (on sign-in, and when the stream says what it missed is not known). Not through api():
// a read the stream started is not given up when the user moves to another page.
async function loadNotifications() {
  const asked = generation;
  const r = await fetch("/v1/notifications?limit=" + NOTES_LISTED, {headers: {"Authorization": "Bearer " + token()}});
  if (asked !== generation) { throw new Stale("signed out while the notifications were read"); }
  if (!r.ok) { throw new Error("the notifications could not be read (HTTP " + r.status + ")"); }
  const list = await r.json();
  if (asked !== generation) { throw new Stale("signed out while the notifications were read"); }
  // the list is in store order; what only the stream brought is newer than all of it
  const ordered = new Map(list.map(n => [n.notificationId, n]));
  notes.forEach((n, id) => { if (!ordered.has(id)) { ordered.set(id, n); } });
  notes = ordered;
  if (!lastEventId && list.length) { lastEventId = list[list.length - 1].notificationId; }
  showBadge();
}

// Newest first: notes is in store order (the list's, then what the stream brought since).
function newestFirst() {
  return Array.from(notes.values()).reverse();
}

// Kinds a reviewer must not miss: something Shadow shows as in force is not, or an emergency left a gap.
const alertKinds = ["action_failed", "action_unconfirmed", "action_skipped"];
const kindLabel = {
  mitigation_applied: "mitigation applied", emergency_shutdown: "emergency shutdown", action_failed: "action failed",
  action_skipped: "emergency action not taken", action_unconfirmed: "action not confirmed by the host's agent", action_confirmed: "action confirmed late",
  mitigation_approved: "approved", mitigation_rejected: "rejected", mitigation_modified: "modified",
  mitigation_released: "released", mitigation_expired: "expired"
};

async function showNotifications() {
  const asked = navigation;
  await loadNotifications();
  if (asked !== navigation) { throw new Stale("left this page"); }
  const seen = seenIds();
  const all = newestFirst();
  view.innerHTML = `<h2>Notifications <span class="muted">(newest first${all.length >= NOTES_LISTED
    ? ", the latest " + NOTES_LISTED : ""})</span></h2>
    ${all.length ? `<ul id="notification-list">${all.map(n => `<li class="notice${alertKinds.includes(n.kind)
      ? " notice-alert" : ""}${seen.has(n.notificationId) ? "" : " notice-new"}" data-id="${esc(n.notificationId)}">
      ${seen.has(n.notificationId) ? "" : "<span class='new-mark'>new</span> "}<span class="muted">${esc(n.createdAt)}
      · ${esc(kindLabel[n.kind] || n.kind)}${me && me.role !== "user" ? " · to " + esc(n.recipient) : ""}</span>
      <a class="notice-incident" href="#incident/${encodeURIComponent(n.incidentId)}">${esc(n.subject)}</a>
      <pre class="notification-body">${esc(n.body)}</pre></li>`).join("")}</ul>`
      : "<p class='muted'>No notifications yet.</p>"}`;
  markSeen(all.map(n => n.notificationId));
  showBadge();
}

// One event of the stream: "notification" adds it; "reload" means the stream could not tell what was missed.
function onStreamEvent(type, data, id) {
  if (id) { lastEventId = id; }
  if (type === "reload") {
    loadNotifications().catch(() => {});
    return;
  }
  if (type !== "notification") { return; }
  let n;
  try { n = JSON.parse(data); } catch (e) { return; }
  if (!remember(n)) { return; }
  showBadge();
  const [what, arg] = location.hash.replace(/^#/, "").split("/");
  if (what === "notifications") {
    showNotifications().catch(() => {});
  } else if (what === "incident" && decodeURIComponent(arg || "") === n.incidentId && !statusLine.textContent) {
    // not over what the user's own decision said (its notice arrives right after it)
    say("New on this incident: " + n.subject + " (reload the page to see it).");
  }
}

// Server-sent events as the stream writes them: blocks separated by a blank line, "field: value" lines.
async function readEvents(reader, signal) {
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const {value, done} = await reader.read();
    if (done || signal.aborted) { return; }
    buffer += decoder.decode(value, {stream: true}).replace(/\r\n?/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let type = "message";
      let id = null;
      const data = [];
      block.split("\n").forEach(line => {
        if (!line || line.startsWith(":")) { return; }
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const val = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") { type = val; } else if (field === "data") { data.push(val); }
        else if (field === "id") { id = val; }
      });
      if (data.length) { onStreamEvent(type, data.join("\n"), id); }
    }
  }
}

// Keeps one stream open while signed in, reconnecting (with Last-Event-ID, so nothing is missed) after a drop.
async function listen() {
  if (listening || !token()) { return; }
  const ctl = new AbortController();
  listening = ctl;
  let wait = 1000;
  let listed = false;
  while (listening === ctl && token()) {
    try {
      const headers = {"Authorization": "Bearer " + token(), "Accept": "text/event-stream"};
      if (lastEventId) { headers["Last-Event-ID"] = lastEventId; }
      const r = await fetch("/v1/notifications/stream", {headers, signal: ctl.signal, cache: "no-store"});
      if (r.status === 401 || r.status === 403) { break; } // the pages' own calls say why and sign out
      if (r.ok) {
        wait = 1000;
        if (!listed) { // subscribed first, listed second: one made in between is in both, and kept once
          listed = true;
          loadNotifications().catch(() => { listed = false; });
        }
        await readEvents(r.body.getReader(), ctl.signal);
      }
    } catch (e) {
      if (ctl.signal.aborted) { break; }
    }
    if (listening !== ctl) { break; }
    await new Promise(done => setTimeout(done, wait));
    wait = Math.min(wait * 2, retryMax);
  }
  if (listening === ctl) { listening = null; }
}

// On sign-out: the stream ends and what this tab knew of the last user's notifications goes with it.
function stopListening() {
  generation++;
  if (listening) { listening.abort(); }
  listening = null;
  lastEventId = null;
  notes = new Map();
  sessionStorage.removeItem(seenKey);
  const badge = document.getElementById("unread");
  if (badge) { badge.hidden = true; badge.textContent = ""; }
}
