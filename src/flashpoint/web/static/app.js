/* Flashpoint dashboard: map, timeline, actor network and event list over /api, and an event
   page with the article text and the spans that justify the event. No request leaves this
   server: libraries and the basemap are served from /static. */
"use strict";

const EVENT_TYPES = [
  "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
  "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
];
const QUADS = {
  1: { name: "verbal cooperation", color: "#2f9e44" },
  2: { name: "material cooperation", color: "#1971c2" },
  3: { name: "verbal conflict", color: "#f08c00" },
  4: { name: "material conflict", color: "#c92a2a" },
};
const SPAN_KINDS = ["evidence", "mention", "event", "actor", "recipient", "place", "date", "toll", "victim",
  "quote", "speaker", "cue", "claimed_by"];
const PAGE = 100;

const state = { offset: 0, map: null, markers: null, chart: null, network: null };

// --- helpers --------------------------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function setStatus(message, isError = false) {
  const node = document.getElementById("status");
  node.textContent = message;
  node.classList.toggle("error", isError);
}

async function getJSON(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = await response.json();
      if (typeof body.detail === "string") message = body.detail;
      else if (Array.isArray(body.detail)) message = body.detail.map((d) => `${(d.loc || []).slice(-1)[0]}: ${d.msg}`).join("; ");
    } catch (_) { /* not JSON */ }
    throw new Error(message);
  }
  return response.json();
}

function filterParams() {
  const form = document.getElementById("filters");
  const params = new URLSearchParams();
  const type = form.type.value;
  if (type) params.append("type", type);
  if (form.since.value) params.set("since", form.since.value);
  if (form.until.value) params.set("until", form.until.value);
  if (form.actor.value.trim()) params.set("actor", form.actor.value.trim().toUpperCase());
  if (form.q.value.trim()) params.set("q", form.q.value.trim());
  const conf = parseFloat(form.min_confidence.value);
  if (conf > 0) params.set("min_confidence", String(conf));
  if (!form.background.checked) params.set("background", "false");
  if (!form.hypothetical.checked) params.set("hypothetical", "false");
  if (state.alert) params.set("alert", state.alert.id);
  return params;
}

function withParams(path, extra = {}) {
  const params = filterParams();
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}

function actorLabel(actors) {
  if (!actors || actors.length === 0) return "–";
  return actors.map((a) => {
    const code = [a.code, a.sector].filter(Boolean).join("-");
    const name = a.name || a.text;
    return code ? `${name} (${code})` : name;
  }).join("; ");
}

function placeLabel(loc) {
  if (!loc) return "–";
  const name = loc.name || loc.text || "?";
  return loc.country && !name.includes(loc.country) ? `${name}, ${loc.country}` : name;
}

function tollLabel(size) {
  if (!size) return "–";
  const parts = ["dead", "injured", "arrested", "abducted", "displaced"]
    .filter((k) => size[k] !== null && size[k] !== undefined)
    .map((k) => `${k} ${size[`${k}_low`] === size[k] ? "≥" : ""}${size[k]}`);
  return parts.join(", ") || "–";
}

function eventKind(event) {
  return event.mode ? `${event.event} (${event.mode})` : event.event;
}

function flags(event) {
  return ["negated", "hypothetical", "future", "background"].filter((k) => event[k]);
}

// --- dashboard ------------------------------------------------------------------------------

async function loadDashboard() {
  setStatus("Loading…");
  state.offset = 0;
  try {
    await Promise.all([loadAlerts(), loadMap(), loadTimeline(), loadNetwork(), loadEvents(false)]);
    setStatus("");
  } catch (error) {
    setStatus(`Could not load: ${error.message}`, true);
  }
}

// Alerts (/api/alerts): clicking one shows only its events on the map, timeline and list.
async function loadAlerts() {
  const list = document.getElementById("alerts");
  let alerts = [];
  try {
    alerts = await getJSON("/api/alerts?limit=100");
  } catch (_) { /* an older server: no alerts */ }
  document.getElementById("alert-count").textContent = state.alert
    ? `showing the ${state.alert.events.length} event${state.alert.events.length === 1 ? "" : "s"} of one alert`
    : `${alerts.length} (newest first; click one to see its events)`;
  document.getElementById("alert-clear").hidden = !state.alert;
  list.replaceChildren(...alerts.map((alert) => {
    const pick = () => {
      state.alert = state.alert && state.alert.id === alert.id ? null : alert;
      loadDashboard();
    };
    return el("li", {
      tabindex: "0", dataset: { id: alert.id, kind: alert.kind },
      class: state.alert && state.alert.id === alert.id ? "selected" : "",
      title: `baseline ${alert.baseline.mean ?? "–"}/day over ${alert.baseline.days} days (${alert.baseline.model || "history"})`,
      onclick: pick, onkeydown: (e) => { if (e.key === "Enter") pick(); },
    },
      el("span", { class: `sev sev-${alert.severity}` }, alert.severity),
      `${alert.day} ${alert.kind.replace("_", " ")}: ${alert.message}`,
      alert.media ? el("span", { class: "media", title: "more reports of the same incidents, not more incidents" }, "media") : "");
  }));
  if (!alerts.length) list.replaceChildren(el("li", {}, "No alerts: run `flashpoint alerts` or `flashpoint watch`."));
}

async function initMap() {
  const map = L.map("map", { worldCopyJump: true, minZoom: 1, maxZoom: 12, zoomSnap: 0.5 });
  map.attributionControl.setPrefix("Leaflet");
  map.attributionControl.addAttribution("Country outlines © Natural Earth (public domain)");
  map.setView([25, 20], 2);
  const topology = await getJSON("/static/vendor/world-atlas/countries-50m.json");
  const countries = topojson.feature(topology, topology.objects.countries);
  L.geoJSON(countries, {
    style: { color: "#8c99a6", weight: 0.6, fillColor: "#fbfbf8", fillOpacity: 1 },
    interactive: false,
  }).addTo(map);
  state.map = map;
  state.markers = L.markerClusterGroup({ maxClusterRadius: 40, showCoverageOnHover: false });
  map.addLayer(state.markers);
}

async function loadMap() {
  if (!state.map) await initMap();
  const page = await getJSON(withParams("/api/events", { has_location: "true", limit: "1000" }));
  state.markers.clearLayers();
  const points = [];
  for (const event of page.items) {
    const loc = event.event_loc;
    const latLng = [loc.lat, loc.lon];
    points.push(latLng);
    const marker = L.circleMarker(latLng, {
      radius: 7, color: "#fff", weight: 1.5, fillColor: QUADS[event.quad_code].color,
      fillOpacity: 0.9, className: `fp-event-marker quad-marker-${event.quad_code}`,
    });
    marker.bindPopup(() => el("div", {},
      el("strong", {}, eventKind(event)), " ", event.date || "",
      el("br"), `${actorLabel(event.actor)} → ${actorLabel(event.recipient)}`,
      el("br"), placeLabel(loc),
      el("br"), el("a", { href: `#/event/${encodeURIComponent(event.id)}` }, "evidence →")));
    state.markers.addLayer(marker);
  }
  document.getElementById("map-count").textContent =
    `${page.total} event${page.total === 1 ? "" : "s"} with a place`;
  document.getElementById("map").dataset.markers = String(page.items.length);
  if (points.length) state.map.fitBounds(points, { padding: [30, 30], maxZoom: 6 });
}

function daysBetween(first, last) {
  const days = [];
  const day = new Date(`${first}T00:00:00Z`);
  const end = new Date(`${last}T00:00:00Z`);
  while (day <= end && days.length <= 732) {
    days.push(day.toISOString().slice(0, 10));
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return days;
}

async function loadTimeline() {
  const rows = await getJSON(withParams("/api/timeline"));
  const dates = [...new Set(rows.map((r) => r.date))].sort();
  const labels = dates.length ? daysBetween(dates[0], dates[dates.length - 1]) : [];
  const datasets = Object.entries(QUADS).map(([quad, info]) => {
    const byDate = new Map(rows.filter((r) => String(r.quad_code) === quad).map((r) => [r.date, r.events]));
    return {
      label: `${quad} ${info.name}`, backgroundColor: info.color, maxBarThickness: 48,
      data: labels.map((d) => byDate.get(d) || 0),
    };
  });
  const canvas = document.getElementById("timeline");
  canvas.dataset.days = String(dates.length);
  canvas.dataset.events = String(rows.reduce((sum, r) => sum + r.events, 0));
  if (state.chart) state.chart.destroy();
  state.chart = new Chart(canvas, {
    type: "bar",
    data: { labels, datasets },
    options: {
      animation: false, maintainAspectRatio: false, responsive: true,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
    },
  });
}

function scoreColor(score) {
  // PLOVER scores run from -10 (conflict) to +10 (cooperation): red - grey - green.
  const t = Math.max(-1, Math.min(1, (score || 0) / 10));
  const grey = [134, 142, 150];
  const end = t < 0 ? [201, 42, 42] : [47, 158, 68];
  const mix = grey.map((g, i) => Math.round(g + (end[i] - g) * Math.abs(t)));
  return `rgb(${mix.join(",")})`;
}

async function loadNetwork() {
  const dyads = await getJSON(withParams("/api/dyads", { level: "sector", limit: "300" }));
  const nodes = new Map();
  for (const d of dyads) {
    for (const id of [d.source, d.target]) nodes.set(id, (nodes.get(id) || 0) + d.events);
  }
  const elements = [
    ...[...nodes].map(([id, weight]) => ({ data: { id, label: id, weight } })),
    ...dyads.map((d, i) => ({
      data: {
        id: `d${i}`, source: d.source, target: d.target, events: d.events,
        width: 1.5 + Math.log2(d.events) * 2, color: scoreColor(d.score_mean),
      },
    })),
  ];
  if (state.network) state.network.destroy();
  const container = document.getElementById("network");
  state.network = cytoscape({
    container,
    elements,
    style: [
      { selector: "node", style: {
        label: "data(label)", "font-size": 10, "background-color": "#495057",
        width: "mapData(weight, 1, 50, 14, 40)", height: "mapData(weight, 1, 50, 14, 40)",
        color: "#1f2328", "text-valign": "top", "text-margin-y": -3 } },
      { selector: "edge", style: {
        width: "data(width)", "line-color": "data(color)", "target-arrow-color": "data(color)",
        "target-arrow-shape": "triangle", "curve-style": "bezier", opacity: 0.85 } },
    ],
    layout: { name: nodes.size > 12 ? "cose" : "circle", animate: false, padding: 20 },
    userZoomingEnabled: true, wheelSensitivity: 0.3,
  });
  container.dataset.nodes = String(nodes.size);
  container.dataset.edges = String(dyads.length);
  const list = document.getElementById("dyad-list");
  list.replaceChildren(...dyads.slice(0, 30).map((d) => el("li", { class: "dyad" },
    `${d.source} → ${d.target}: ${d.events} event${d.events === 1 ? "" : "s"}, mean score `,
    (d.score_mean ?? 0).toFixed(1))));
  if (!dyads.length) list.replaceChildren(el("li", {}, "No dyads: no event has coded actor and recipient."));
}

async function loadEvents(append) {
  const sort = document.getElementById("sort").value;
  const page = await getJSON(withParams("/api/events", { sort, limit: String(PAGE), offset: String(state.offset) }));
  const body = document.querySelector("#events tbody");
  const rows = page.items.map((event) => {
    const open = () => { location.hash = `#/event/${encodeURIComponent(event.id)}`; };
    return el("tr", {
      tabindex: "0", dataset: { id: event.id, type: event.event }, onclick: open,
      onkeydown: (e) => { if (e.key === "Enter") open(); },
    },
      el("td", { class: "nowrap" }, event.date || "–"),
      el("td", {}, el("span", { class: `quad quad-${event.quad_code}`, title: QUADS[event.quad_code].name }),
        eventKind(event), ...flags(event).map((f) => el("span", { class: "flag" }, f))),
      el("td", {}, `${actorLabel(event.actor)} → ${actorLabel(event.recipient)}`),
      el("td", {}, placeLabel(event.event_loc)),
      el("td", {}, event.confidence.toFixed(2)));
  });
  if (append) body.append(...rows); else body.replaceChildren(...rows);
  state.offset += page.items.length;
  document.getElementById("event-count").textContent = `${page.total} in all`;
  document.getElementById("more").hidden = state.offset >= page.total;
}

// --- the event page -------------------------------------------------------------------------

function renderHighlighted(text, spans) {
  // Cut the text at every span boundary; each piece carries the kinds of the spans over it,
  // and a label is placed where each span starts.
  const cuts = new Set([0, text.length]);
  for (const s of spans) { cuts.add(s.start); cuts.add(s.end); }
  const points = [...cuts].sort((a, b) => a - b);
  const starts = new Map();
  for (const s of spans) {
    if (!starts.has(s.start)) starts.set(s.start, []);
    starts.get(s.start).push(s);
  }
  const out = [];
  for (let i = 0; i < points.length - 1; i++) {
    const from = points[i];
    const to = points[i + 1];
    for (const s of starts.get(from) || []) {
      if (s.kind === "evidence") continue; // the sentence is shaded, not labelled
      if (s.kind === "mention" && s.start === spans.find((x) => x.kind === "evidence")?.start) continue;
      out.push(el("span", { class: `tag tag-${s.kind}`, dataset: { kind: s.kind }, title: s.label }, s.label));
    }
    const kinds = [...new Set(spans.filter((s) => s.start <= from && s.end >= to).map((s) => s.kind))];
    const piece = text.slice(from, to);
    out.push(kinds.length
      ? el("span", { class: kinds.map((k) => `hl hl-${k}`).join(" "), dataset: { kinds: kinds.join(" ") } }, piece)
      : document.createTextNode(piece));
  }
  return out;
}

async function showEvent(eventId) {
  setStatus("Loading event…");
  document.getElementById("dashboard").hidden = true;
  document.getElementById("event-page").hidden = false;
  try {
    const detail = await getJSON(`/api/events/${encodeURIComponent(eventId)}`);
    const article = await getJSON(`/api/articles/${encodeURIComponent(detail.article.id)}`);
    const event = detail.event;
    document.getElementById("ev-title").replaceChildren(
      el("span", { class: `quad quad-${event.quad_code}` }), eventKind(event),
      ...flags(event).map((f) => el("span", { class: "flag" }, f)));
    const fields = [
      ["actor", actorLabel(event.actor)],
      ["recipient", actorLabel(event.recipient)],
      ["where", placeLabel(event.event_loc) + (event.event_loc && event.event_loc.lat !== null
        ? ` (${event.event_loc.lat.toFixed(2)}, ${event.event_loc.lon.toFixed(2)})` : "")],
      ["when", event.date ? `${event.date}${event.date_precision && event.date_precision !== "day" ? ` (${event.date_precision})` : ""}` : "–"],
      ["toll", tollLabel(event.size)],
      ["claimed by", event.claimed_by ? actorLabel([event.claimed_by]) : "–"],
      ["score / quad", `${event.event_scale.toFixed(1)} / ${event.quad_code} (${QUADS[event.quad_code].name}); CAMEO ${event.cameo_root || "–"}`],
      ["confidence", event.confidence.toFixed(2)],
      ["event id", event.id],
    ];
    document.getElementById("ev-fields").replaceChildren(
      ...fields.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
    const meta = detail.article;
    document.getElementById("ev-article-title").textContent = meta.title || meta.id;
    document.getElementById("ev-article-meta").textContent =
      [meta.published, meta.source, meta.url, meta.id].filter(Boolean).join(" · ");
    const present = new Set(detail.spans.map((s) => s.kind));
    document.getElementById("legend").replaceChildren(...SPAN_KINDS.filter((k) => present.has(k))
      .map((k) => el("span", { class: `tag tag-${k}` }, k.replace("_", " "))));
    const textBox = document.getElementById("article-text");
    textBox.replaceChildren(...renderHighlighted(article.article.text, detail.spans));
    const evidence = textBox.querySelector(".hl-evidence");
    if (evidence) evidence.scrollIntoView({ block: "nearest" });
    document.getElementById("ev-quotes").replaceChildren(...detail.quotes.map((q) =>
      el("li", {}, `“${q.text}” — ${q.speaker ? (q.speaker.name || q.speaker.text) : "unattributed"}`)));
    document.getElementById("ev-quotes-card").hidden = detail.quotes.length === 0;
    document.getElementById("ev-mentions").replaceChildren(...detail.mentions.map((m) =>
      el("li", {}, el("a", { href: `#/event/${encodeURIComponent(m.event_id)}` }, m.article_title || m.article_id),
        ` ${m.published || ""}: ${m.evidence}`)));
    document.getElementById("ev-mentions-card").hidden = detail.mentions.length === 0;
    document.getElementById("ev-others").replaceChildren(...article.events.filter((e) => e.id !== event.id)
      .map((e) => el("li", {}, el("a", { href: `#/event/${encodeURIComponent(e.id)}` }, eventKind(e)),
        `: ${e.evidence.text.slice(0, 140)}${e.evidence.text.length > 140 ? "…" : ""}`)));
    setStatus("");
  } catch (error) {
    setStatus(`Could not load event: ${error.message}`, true);
  }
}

// --- routing --------------------------------------------------------------------------------

function route() {
  const match = location.hash.match(/^#\/event\/(.+)$/);
  if (match) {
    showEvent(decodeURIComponent(match[1]));
    return;
  }
  document.getElementById("event-page").hidden = true;
  document.getElementById("dashboard").hidden = false;
  if (state.map) state.map.invalidateSize();
  if (!state.loaded) {
    state.loaded = true;
    loadDashboard();
  }
}

function init() {
  const select = document.getElementById("f-type");
  for (const type of EVENT_TYPES) select.append(el("option", { value: type }, type));
  document.getElementById("filters").addEventListener("submit", (e) => {
    e.preventDefault();
    if (location.hash.startsWith("#/event/")) { state.loaded = false; location.hash = "#/"; return; }
    loadDashboard();
  });
  select.addEventListener("change", () => document.getElementById("filters").requestSubmit());
  document.getElementById("sort").addEventListener("change", () => {
    state.offset = 0;
    loadEvents(false).catch((e) => setStatus(e.message, true));
  });
  document.getElementById("alert-clear").addEventListener("click", () => {
    state.alert = null;
    loadDashboard();
  });
  document.getElementById("more").addEventListener("click", () =>
    loadEvents(true).catch((e) => setStatus(e.message, true)));
  window.addEventListener("hashchange", route);
  route();
}

document.addEventListener("DOMContentLoaded", init);
