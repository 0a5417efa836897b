// Shadow web UI: incidents with their explanation, approve / reject / modify, history, profiles
// (notifications: notifications.js).
// Talks to the API with the token the user entered (kept in this tab's session storage only).
"use strict";
const view = document.getElementById("view");
const statusLine = document.getElementById("status");
const tokenKey = "shadow.token";

function token() { return sessionStorage.getItem(tokenKey); }
// Who the stored token speaks for (GET /v1/me), read once per sign-in.
let me = null;
function say(text) { statusLine.textContent = text || ""; }
function esc(s) {
  return String(s == null ? "" : s).replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"}[c]));
}

// Bumped by every route(): a page read for an earlier route is not drawn over the one asked for since.
let navigation = 0;
class Stale extends Error {}

async function api(method, path, body, contentType) {
  return (await call(method, path, body, contentType)).data;
}

// A call and its answer: {data, headers}.
async function call(method, path, body, contentType) {
  const asked = navigation;
  const headers = {"Authorization": "Bearer " + token()};
  if (body !== undefined) {
    headers["Content-Type"] = contentType || "application/json";
    headers["Idempotency-Key"] = crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random();
  }
  const r = await fetch(path, {method, headers, body: body === undefined ? undefined
    : (typeof body === "string" ? body : JSON.stringify(body))});
  const text = await r.text();
  if (method === "GET" && asked !== navigation) { throw new Stale("left this page"); }
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = text; }
  if (r.status === 401) {
    // a refused token is not kept: every further call would be refused too
    signOut();
    throw new Error("Your token was refused (" + ((data && data.error) || "HTTP 401") + "); you are signed out. "
      + "Sign in with a valid token.");
  }
  if (!r.ok) {
    const refused = new Error((data && data.error) || ("HTTP " + r.status));
    refused.status = r.status;
    throw refused;
  }
  return {data, headers: r.headers};
}

function signOut() {
  sessionStorage.removeItem(tokenKey);
  stopListening();
  me = null;
  showWho();
}

// The header says who is signed in; links to pages the role may not read are hidden.
function showWho() {
  const who = document.getElementById("who");
  who.textContent = me ? "Signed in as " + me.name + " (" + (me.role === "user"
    ? "user " + me.principal + " of tenant " + me.tenant
    : me.role + ", " + (me.tenant ? "tenant " + me.tenant : "every tenant")) + ")" : "";
  document.getElementById("nav-profiles").hidden = !me || me.role === "user";
  document.getElementById("nav-notifications").hidden = !me;
}

// Reads who the token speaks for; a token the UI cannot work with (another role's) is not kept either.
async function whoAmI() {
  if (me) { return; }
  try {
    me = await api("GET", "/v1/me");
  } catch (e) {
    if (e.status !== 403) { throw e; } // refused (already signed out), or a failure worth a retry: token kept
    signOut();
    throw new Error("This token cannot use the web UI (" + e.message + "); you are signed out. Sign in with a user "
      + "or operator token.");
  }
  showWho();
  listen();
}

function band(b) { const n = String(b || "").toLowerCase(); return `<span class="band band-${esc(n)}">${esc(n)}</span>`; }

// The most open incidents and resolved ones the list shows; X-Total-Count says how many more there are.
const OPEN_SHOWN = 1000;
const RESOLVED_SHOWN = 100;
const bandRank = {high: 3, medium: 2, low: 1};

function incidentTable(id, incidents) {
  return `<table id="${id}"><thead><tr><th>Opened</th><th>Last activity</th><th>Who</th><th>Resource</th><th>Band</th>
    <th>Risk</th><th>Status</th><th>Pattern</th></tr></thead><tbody>${incidents.map(i => `
      <tr class="incident" data-id="${esc(i.incidentId)}"><td>${esc(i.openedAt)}</td><td>${esc(i.lastSeen)}</td>
      <td>${esc(i.principal || i.entityId)} <span class="muted">${esc(i.tenant)}</span></td>
      <td>${esc(i.resourceId)}</td><td>${band(i.band)}</td><td>${Math.round(i.risk)}</td><td class="incident-status">${esc(i.status)}</td>
      <td>${esc(i.pattern)}</td></tr>`).join("")}</tbody></table>`;
}

function notShown(id, total, shown, what) {
  const more = (Number(total) || shown) - shown;
  return more > 0 ? `<p class="muted" id="${id}">${more} ${what} not shown.</p>` : "";
}

// Open incidents first, the most serious on top (band, then risk, then the newest), then the latest resolved
// ones: an open emergency never hides behind many small closed cases.
async function showIncidents() {
  const [open, resolved] = await Promise.all([
    call("GET", "/v1/incidents?status=open&limit=" + OPEN_SHOWN),
    call("GET", "/v1/incidents?status=resolved&limit=" + RESOLVED_SHOWN)]);
  const serious = open.data.slice().sort((a, b) =>
    (bandRank[String(b.band).toLowerCase()] || 0) - (bandRank[String(a.band).toLowerCase()] || 0)
    || b.risk - a.risk || String(b.openedAt).localeCompare(String(a.openedAt)));
  view.innerHTML = `<h2>Open incidents <span class="muted">(${esc(open.headers.get("X-Total-Count") || serious.length)},
      the most serious first)</span></h2>
    ${serious.length ? incidentTable("open-incidents", serious) : "<p class='muted'>No open incidents.</p>"}
    ${notShown("open-not-shown", open.headers.get("X-Total-Count"), serious.length, "older open incidents are")}
    <h2>Resolved incidents <span class="muted">(newest first)</span></h2>
    ${resolved.data.length ? incidentTable("resolved-incidents", resolved.data) : "<p class='muted'>No resolved incidents.</p>"}
    ${notShown("resolved-not-shown", resolved.headers.get("X-Total-Count"), resolved.data.length,
      "older resolved incidents are")}`;
  view.querySelectorAll("tr.incident").forEach(tr => tr.addEventListener("click", () => {
    location.hash = "#incident/" + tr.dataset.id;
  }));
}

// In force: applied, or applied while the host's agent failed its part (Shadow's own part, a gateway rule, stands).
function inForce(a) { return a.status === "applied" || a.status === "agent_failed"; }

// What a decision did, in words: a rotation or a kill the agent carried out cannot be undone and is kept.
function decided(what, answer) {
  const kept = ((answer && answer.actions) || []).filter(a => a.status === "kept").map(a => a.type).join(", ");
  const keptNote = kept ? ` Kept (cannot be undone): ${kept}.` : "";
  if (what === "reject") {
    return (kept ? "Rejected: every other action was undone." : "Rejected: every action was undone.") + keptNote;
  }
  if (what === "release") {
    return "Released: the actions are out of force; the decision stands." + keptNote;
  }
  if (what === "modify") {
    const now = ((answer && answer.actions) || []).filter(inForce)
      .map(a => a.type + (a.expiresAt ? " until " + a.expiresAt : " (no end)")).join(", ");
    return "Modified. In force now: " + (now || "nothing") + "." + keptNote;
  }
  if (answer && answer.note) { // nothing was in force any more: the approve is a label only
    return "Approved, but " + answer.note + ".";
  }
  return "Approved.";
}

// The decisions taken on a mitigation, with the reasons the caller may read (the API leaves out
// a reviewer's comment for the user the mitigation is about).
function decisionList(decisions) {
  if (!decisions.length) { return ""; }
  return `<ul class="decisions">${decisions.map(d => `<li>${esc(d.decidedAt)}: <strong>${esc(d.decision)}</strong>
    by ${esc(d.decidedBy)}${d.comment ? ` — <q class="decision-comment">${esc(d.comment)}</q>` : ""}</li>`).join("")}</ul>`;
}

// When an action is or was in force: an action out of force says when it left (undone, expired, kept),
// one in force until when it stays.
function actionTime(a) {
  if (a.undoneAt && !inForce(a)) {
    return `<span class="muted action-time">(${esc(a.status)} at ${esc(a.undoneAt)})</span>`;
  }
  return a.expiresAt ? `<span class="muted action-time">(until ${esc(a.expiresAt)})</span>` : "";
}

function num(n) { return typeof n === "number" ? n.toFixed(1).replace(/\.0$/, "") : esc(n); }

// An explanation as the API gives it, {anomaly, risk}: what was measured, observed and expected since
// when, and how each factor moved the risk. Anything else (an imported review) is shown as it is.
function explanationHtml(x) {
  if (!x || !x.anomaly) {
    return `<pre class="explanation-raw">${esc(JSON.stringify(x, null, 2))}</pre>`;
  }
  const a = x.anomaly;
  const r = x.risk || {};
  return `<p>${esc(a.pattern)} at ${esc(a.time)}, ${num(a.score)} spreads from normal${a.srcIp ? ", from " + esc(a.srcIp) : ""}
      ${a.userAgent ? "<span class='muted'>(" + esc(a.userAgent) + ")</span>" : ""}</p>
    <table class="evidence"><thead><tr><th>Evidence</th><th>Observed</th><th>Expected</th><th>Spreads out</th>
      <th>Since</th></tr></thead><tbody>${(a.evidence || []).map(e => `<tr><td>${esc(e.name)}
      <span class="muted">${esc(e.kind)}</span></td><td>${esc(e.observed)}</td><td>${esc(e.expected)}</td>
      <td>${num(e.deviations)}</td><td>${esc(e.since)}</td></tr>`).join("")}</tbody></table>
    <p class="risk" title="the mildest anomaly Shadow raises (at the detection threshold, on a network resource, no history, no threat intel) scores the base; each factor adds its points">Risk ${Math.round(r.score)} of 100: base ${num(r.base)}${(r.contributions || []).map(c =>
      `, ${esc(c.factor)} ${c.points >= 0 ? "+" : ""}${num(c.points)} <span class="muted">(${num(c.value)})</span>`).join("")}
      ${r.model ? `<span class="muted">— model ${esc(r.model)}</span>` : ""}</p>`;
}

// The notifications of an incident (explanations sent, decision notices, failed actions), newest first.
function notificationList(notes) {
  if (!notes.length) { return "<p class='muted'>None.</p>"; }
  return `<ul id="notifications">${notes.slice().reverse().map(n => `<li class="notification">
    <span class="muted">${esc(n.createdAt)}, to ${esc(n.recipient)}:</span> <strong>${esc(n.subject)}</strong>
    <pre class="notification-body">${esc(n.body)}</pre></li>`).join("")}</ul>`;
}

// An instant as the API writes it (ISO-8601, UTC, up to nanoseconds) as [epoch seconds, nanoseconds], exactly.
function instant(s) {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(s || "");
  return m ? [Date.parse(m[1] + "Z") / 1000, Number((m[2] || "").padEnd(9, "0"))] : null;
}

// An action's lifetime (appliedAt to expiresAt) as the ISO-8601 duration modify takes as "expires": the
// API keeps an action asked for with its own lifetime as it is, so the prefill must match it to the nanosecond.
function lifetime(a) {
  const from = instant(a.appliedAt);
  const to = instant(a.expiresAt);
  if (!from || !to) { return null; }
  let secs = to[0] - from[0];
  let nanos = to[1] - from[1];
  if (nanos < 0) { secs -= 1; nanos += 1e9; }
  if (secs < 0 || (secs === 0 && nanos === 0)) { return null; }
  const h = Math.floor(secs / 3600);
  const m = Math.floor(secs % 3600 / 60);
  const s = secs % 60;
  const frac = nanos ? "." + String(nanos).padStart(9, "0").replace(/0+$/, "") : "";
  return "PT" + (h ? h + "H" : "") + (m ? m + "M" : "") + (s || frac ? s + frac + "S" : "");
}

// The modify form's starting point: the actions in force now, each with its own lifetime (left out, a
// changed action would never expire).
function modifyPrefill(m) {
  return JSON.stringify(m.actions.filter(inForce).map(a => {
    const expires = lifetime(a);
    return expires ? {type: a.type, params: a.params, expires} : {type: a.type, params: a.params};
  }), null, 1);
}

// The new keys a rotation left waiting for their owners (its detail names where to collect each: one per spelling
// of the name when the gateway ignores case), without those collected since ("; new key K collected by ...", or
// before 2026-11-28 "; collected by ..."). Each with the spelling it was issued to ("revoked N key(s) of P [...];
// new key K is waiting"), null where the detail does not say.
function waitingKeys(a) {
  if (a.type !== "rotate_keys") { return []; }
  const detail = a.detail || "";
  const ids = [...detail.matchAll(/GET \/v1\/keys\/(key-[A-Za-z0-9-]+)/g)].map(m => m[1]);
  const owners = new Map([...detail.matchAll(
    /revoked \d+ key\(s\) of (.+?) \[[^\]]*\]; new key (key-[A-Za-z0-9-]+) is waiting/g)].map(m => [m[2], m[1]]));
  const collected = new Set([...detail.matchAll(/; new key (key-[A-Za-z0-9-]+) collected by /g)].map(m => m[1]));
  if (/; collected by /.test(detail) && ids.length) { collected.add(ids[0]); }
  return ids.filter(id => !collected.has(id)).map(id => ({id, owner: owners.has(id) ? owners.get(id) : null}));
}

// What a user is offered of a rotation's waiting keys: a button for the key issued to their own spelling (the API
// hands a key to its exact owner only), and for another spelling's key whom to ask, instead of a button that fails.
function keyHandover(a) {
  return waitingKeys(a).map(k => k.owner === null || k.owner === me.principal
    ? `<div class="key-handover"><button class="collect-key" data-key="${esc(k.id)}">Collect my new key</button>
        <span class="muted">(${esc(k.id)}; its secret is shown once, here: copy it before you leave the page)</span></div>`
    : `<p class="key-elsewhere muted">New key ${esc(k.id)} was issued to the spelling ${esc(k.owner)} of your name,
        not to ${esc(me.principal)}: an operator hands it over (GET /v1/keys/${esc(k.id)}) if it is yours.</p>`).join("");
}

function mitigationCard(m, decisions, incident) {
  const mit = m.mitigation;
  // the incident's explanation is its latest anomaly: said once when the mitigation was about that one
  const sameAnomaly = JSON.stringify(mit.explanation) === JSON.stringify(incident.explanation);
  const open = mit.status === "applied" || mit.status === "dry_run";
  // the decisions this caller may take, as the API says (the rules live there only)
  const may = what => (m.allowed || []).includes(what);
  // an emergency mitigation of one's own activity is lifted by someone else (the API answers 403)
  const ownEmergency = open && may("approve") && !may("reject");
  // an undecided mitigation whose time limit ended everything it did (a log changes nothing): a decision now is
  // a label only
  const expired = m.actions.filter(a => a.status === "expired");
  const ended = open && !mit.dryRun && expired.length > 0 && !m.actions.some(a => inForce(a) && a.type !== "log");
  return `<div class="card mitigation" data-id="${esc(mit.mitigationId)}">
    <h3>${esc(mit.profile)} ${band(mit.band)} <span class="muted">${esc(mit.path)} path, applied ${esc(mit.appliedAt)}</span></h3>
    <p>Status: <strong class="mitigation-status">${esc(mit.status)}</strong>${mit.decidedBy ? " by " + esc(mit.decidedBy) : ""}</p>
    ${ended ? `<p class="already-expired"><strong>Already expired:</strong> ${expired.map(a => esc(a.type) + " ended at "
      + esc(a.undoneAt)).join(", ")}; nothing of it is in force. Approving or rejecting it now only records whether it
      was a real threat.</p>` : ""}
    ${sameAnomaly ? "<p class='muted mitigation-explanation'>Why: the anomaly above (risk "
      + Math.round(mit.risk) + ").</p>" : `<div class="mitigation-explanation"><p><strong>Why</strong> (risk
      ${Math.round(mit.risk)}, anomaly of ${esc(mit.eventTime)}):</p>${explanationHtml(mit.explanation)}</div>`}
    <ul class="action-list">${m.actions.map(a => `<li class="action action-${esc(a.status)}"><strong>${esc(a.type)}</strong> [${esc(a.status)}]: ${esc(a.detail)}
      ${actionTime(a)}
      ${a.status === "kept" ? "<span class='muted'>(not reversed: this action cannot be undone; see the audit log)</span>" : ""}
      ${a.type === "log" && a.status === "undone" ? "<span class='muted'>(a log entry changes nothing, so there was "
        + "nothing to reverse; the audit line stays)</span>" : ""}
      ${me && me.role === "user" ? keyHandover(a) : ""}
      ${a.status === "agent_failed" ? "<span class='agent-failed'>(the host's agent could not carry this out: contain "
        + "the host by hand or fix the agent)</span>" : ""}</li>`).join("")}</ul>
    ${decisionList(decisions)}
    ${(m.releases || []).map(r => `<p class="release-record muted">Released by ${esc(r.by)} at ${esc(r.at)}: ${esc(r.detail)}</p>`).join("")}
    ${m.allowed && m.allowed.length ? `<p><input class="comment" maxlength="2000" size="60"
      placeholder="${may("approve") || may("reject")
        ? "Why (optional; kept with the decision for the reviewers)"
        : "Why (optional; kept in the audit log with the release)"}"></p>` : ""}
    ${ownEmergency ? `<div class="actions"><button class="approve">Approve</button>
      <p class="muted own-emergency">This emergency mitigation is about your own activity: only someone else can
      reject or modify it. If this was you, ask an operator or your security team.</p></div>` : ""}
    ${may("reject") ? `<div class="actions">
      <button class="approve">Approve</button><button class="reject">Reject (undo the actions)</button>
      ${may("modify") ? `<button class="modify">Modify…</button>` : ""}</div>
      <div class="modify-form" hidden><p>Replace the actions (JSON). <code>expires</code> is an ISO-8601 duration:
      an action left as it is keeps its own end; a changed one lasts that long from now.</p>
      <p class="modify-warning"><strong>An action without "expires" stays in force until an operator releases
      it.</strong></p>
      <textarea rows="4">${esc(modifyPrefill(m))}</textarea>
      <button class="modify-send">Apply</button><button class="modify-cancel">Cancel</button></div>` : ""}
    ${may("release") ? `<div class="actions"><button class="release">Release (take the actions out of
      force; the decision stands)</button></div>` : ""}
  </div>`;
}

async function showIncident(id) {
  const d = await api("GET", "/v1/incidents/" + encodeURIComponent(id));
  const i = d.incident;
  view.innerHTML = `<h2>Incident ${esc(i.incidentId)} ${band(i.band)}</h2>
    <p>${esc(i.principal || i.entityId)} <span class="muted">(tenant ${esc(i.tenant)})</span> on ${esc(i.resourceType)} <strong>${esc(i.resourceId)}</strong>
      ${i.host ? "from host " + esc(i.host) + " " : ""}— risk ${Math.round(i.risk)} (the highest of its
      ${esc(i.anomalies)} anomal${i.anomalies === 1 ? "y" : "ies"}), status <strong>${esc(i.status)}</strong></p>
    <p id="activity">Activity from ${esc(i.firstSeen)} to ${esc(i.lastSeen)} <span class="muted">(event time; Shadow
      opened the incident at ${esc(i.openedAt)})</span></p>
    <div class="card"><h3>Why Shadow acted${i.anomalies > 1 ? " (the latest anomaly)" : ""}</h3>
      <div class="explanation" id="explanation">${explanationHtml(i.explanation)}</div></div>
    <h3>What was done</h3>${d.mitigations.map(m => mitigationCard(m, (d.decisions || [])
      .filter(x => x.mitigationId === m.mitigation.mitigationId), i)).join("")}
    <h3>Notifications <span class="muted">(newest first)</span></h3>${notificationList(d.notifications || [])}
    <p><a href="#history/${encodeURIComponent(i.principal || "")}/${encodeURIComponent(i.tenant || "")}">History of
      ${esc(i.principal)} in ${esc(i.tenant)}</a></p>`;
  view.querySelectorAll(".mitigation").forEach(card => {
    const mid = card.dataset.id;
    const decide = async (what, body) => {
      const comment = card.querySelector(".comment") ? card.querySelector(".comment").value.trim() : "";
      try {
        const done = await api("POST", `/v1/mitigations/${encodeURIComponent(mid)}/${what}`,
          Object.assign({}, body || {}, comment ? {comment} : {}));
        say(decided(what, done));
        await showIncident(id);
      } catch (e) {
        if (e instanceof Stale) { return; }
        // refused (409: someone decided first) or failed: show the incident as it is now, then why
        if (token()) {
          try { await showIncident(id); } catch (again) { if (again instanceof Stale) { return; } }
        }
        say(e.message);
      }
    };
    const q = sel => card.querySelector(sel);
    if (q(".approve")) {
      q(".approve").addEventListener("click", () => decide("approve"));
    }
    if (q(".reject")) {
      q(".reject").addEventListener("click", () => decide("reject"));
    }
    if (q(".modify")) {
      // read again first: what was in force when the page was drawn may have expired or changed since
      q(".modify").addEventListener("click", async () => {
        try {
          const fresh = (await api("GET", "/v1/incidents/" + encodeURIComponent(id))).mitigations
            .find(x => x.mitigation.mitigationId === mid);
          if (!fresh || !(fresh.allowed || []).includes("modify")) {
            await showIncident(id);
            say("This mitigation changed meanwhile and can no longer be modified; its state is shown below.");
            return;
          }
          q("textarea").value = modifyPrefill(fresh);
          q(".modify-form").hidden = false;
        } catch (e) { if (!(e instanceof Stale)) { say(e.message); } }
      });
      q(".modify-cancel").addEventListener("click", () => { q(".modify-form").hidden = true; });
      q(".modify-send").addEventListener("click", () => {
        let actions;
        try { actions = JSON.parse(q("textarea").value); } catch (e) { say("The actions are not valid JSON: " + e.message); return; }
        decide("modify", {actions});
      });
    }
    if (q(".release")) {
      q(".release").addEventListener("click", () => decide("release"));
    }
    card.querySelectorAll(".collect-key").forEach(b => b.addEventListener("click", () => collectKey(b)));
  });
}

// Hands the user their rotated key's secret (once: the API refuses a second collection, saying why; a secret
// a restart lost is 410 too, and the API's message says who issues a new key).
async function collectKey(button) {
  const id = button.dataset.key;
  try {
    const k = await api("GET", "/v1/keys/" + encodeURIComponent(id));
    const box = button.parentElement;
    box.innerHTML = `<p>Your new key <code>${esc(k.key_id)}</code>: <input class="key-secret" readonly size="56"
      value="${esc(k.secret)}"> <strong>Copy it now: Shadow shows it once and keeps only its hash.</strong></p>`;
    box.querySelector(".key-secret").select();
    say("");
  } catch (e) {
    if (!(e instanceof Stale)) { say("Key " + id + " could not be collected: " + e.message); }
  }
}

// A principal's history; with a tenant, only in that tenant (principals of different tenants may share a name).
async function showHistory(principal, tenant) {
  if (!principal) {
    view.innerHTML = `<h2>History</h2><form id="history-form"><input id="history-user" placeholder="principal">
      <button type="submit">Show</button></form>`;
    document.getElementById("history-form").addEventListener("submit", e => {
      e.preventDefault();
      location.hash = "#history/" + encodeURIComponent(document.getElementById("history-user").value);
    });
    return;
  }
  const h = await api("GET", "/v1/history/users/" + encodeURIComponent(principal)
    + (tenant ? "?tenant=" + encodeURIComponent(tenant) : ""));
  view.innerHTML = `<h2>History of ${esc(h.principal)}${tenant ? ` <span class="muted">in ${esc(tenant)}</span>` : ""}</h2>${h.incidents.map(e => `<div class="card">
    <h3><a href="#incident/${esc(e.incident.incidentId)}">${esc(e.incident.incidentId)}</a> ${band(e.incident.band)}
      <span class="muted">${esc(e.incident.tenant)}: ${esc(e.incident.resourceId)} — ${esc(e.incident.status)}</span></h3>
    <ul>${e.mitigations.map(m => `<li>${esc(m.appliedAt)}: ${esc(m.profile)} (${esc(m.path)}) — <strong>${esc(m.status)}</strong>
      ${m.decidedBy ? "by " + esc(m.decidedBy) : ""}: ${m.actions.map(a => esc(a.type) + " [" + esc(a.status) + "]").join(", ")}</li>`).join("")}
    </ul></div>`).join("") || "<p class='muted'>Nothing yet.</p>"}`;
}

async function showProfiles() {
  const [p, versions] = await Promise.all([api("GET", "/v1/profiles"), api("GET", "/v1/profiles/versions")]);
  view.innerHTML = `<h2>Profiles v${esc(p.version)} <span class="muted">by ${esc(p.author)}</span></h2>
    <p>Thresholds: low ${esc(p.low)}, medium ${esc(p.medium)}, high ${esc(p.high)} (emergency path)</p>
    <table><thead><tr><th>Profile</th><th>Band</th><th>Resource types</th><th>Actions</th></tr></thead><tbody>
    ${p.profiles.map(x => `<tr><td>${esc(x.name)}${x.dryRun ? " (dry run)" : ""}</td><td>${band(x.band)}</td>
      <td>${esc(x.resourceTypes.join(", "))}</td><td>${x.actions.map(a => esc(a.type.toLowerCase())
        + (a.expires ? " for " + esc(a.expires) : "")).join(", ")}</td></tr>`).join("")}</tbody></table>
    <h3>Versions</h3><ul>${versions.map(v => `<li>v${esc(v.version)} by ${esc(v.author)}, uploaded by
      ${esc(v.uploadedBy)} at ${esc(v.uploadedAt)}</li>`).join("")}</ul>`;
}

async function route() {
  navigation++;
  if (!token()) {
    showWho();
    view.innerHTML = "<p class='muted'>Enter your API token to sign in.</p>";
    return;
  }
  const [what, arg, arg2] = location.hash.replace(/^#/, "").split("/");
  say("");
  try {
    await whoAmI();
    if (what === "incident" && arg) { await showIncident(decodeURIComponent(arg)); }
    else if (what === "history") { await showHistory(arg ? decodeURIComponent(arg) : "", arg2 ? decodeURIComponent(arg2) : ""); }
    else if (what === "profiles") { await showProfiles(); }
    else if (what === "notifications") { await showNotifications(); }
    else { await showIncidents(); }
  } catch (e) {
    if (e instanceof Stale) { return; }
    say(e.message);
    view.innerHTML = token() ? "" : "<p class='muted'>Enter your API token to sign in.</p>";
  }
}

document.getElementById("login").addEventListener("submit", e => {
  e.preventDefault();
  me = null;
  stopListening(); // the previous token's stream and notices are not the new one's
  sessionStorage.setItem(tokenKey, document.getElementById("token").value.trim());
  document.getElementById("token").value = "";
  route();
});
document.getElementById("sign-out").addEventListener("click", () => { signOut(); say(""); route(); });
window.addEventListener("hashchange", route);
route();
