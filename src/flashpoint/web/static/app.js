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

// An event's ACLED typing: "Event type / Sub-event type (p 0.82)", or why there is none.
function acledLabel(acled) {
  if (!acled) return "–";
  const how = acled.basis === "mapping" ? "mapping table" : `p ${(acled.confidence ?? 0).toFixed(2)}`;
  return acled.sub_event_type
    ? `${acled.event_type} / ${acled.sub_event_type} (${how})` : `not an ACLED event (${how})`;
}

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

// The filters: form fields named as the API's parameters; the URL's query string holds them,
// so a reload or a shared link restores the view.
const FILTER_KEYS = ["type", "mode", "country", "admin1", "actor", "recipient", "acled_type", "since", "until", "min_dead", "q",
  "min_confidence", "background", "hypothetical", "negated", "sort"];
const FLAG_KEYS = ["background", "hypothetical", "negated"];
const FILTER_NAMES = {
  type: "type", mode: "mode", country: "country", admin1: "province/state", actor: "actor",
  recipient: "recipient", acled_type: "ACLED type", since: "from", until: "to",
  min_dead: "min. dead", q: "search", min_confidence: "min. confidence",
  background: "no background", hypothetical: "no hypothetical", negated: "no negated",
};

function filterParams() {
  // The API parameters of the current filters (read from the URL, which the form writes).
  const url = new URLSearchParams(location.search);
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    if (key === "sort") continue;
    const value = url.get(key);
    if (value !== null && value !== "") params.set(key, value);
  }
  if (state.alert) params.set("alert", state.alert.id);
  return params;
}

function formToURL() {
  // Write the form's filters into the URL (a new history entry).
  const form = document.getElementById("filters");
  const params = new URLSearchParams();
  const set = (key, value) => { if (value !== null && value !== undefined && String(value).trim() !== "") params.set(key, String(value).trim()); };
  set("type", form.type.value);
  set("mode", form.mode.value);
  set("country", form.country.value);
  const actor = resolveActor(form.actor.value);
  if (actor.error) throw new Error(actor.error);
  set("actor", actor.code);
  set("admin1", form.admin1.value);
  const recipient = resolveActor(form.recipient.value);
  if (recipient.error) throw new Error(recipient.error.replace("actor", "recipient"));
  set("recipient", recipient.code);
  set("acled_type", form.acled_type.value);
  set("since", form.since.value);
  set("until", form.until.value);
  set("min_dead", form.min_dead.value);
  set("q", form.q.value);
  const conf = parseFloat(form.min_confidence.value);
  if (conf > 0) params.set("min_confidence", String(conf));
  for (const flag of FLAG_KEYS) if (!form[flag].checked) params.set(flag, "false");
  const sort = document.getElementById("sort").value;
  if (sort !== "date") params.set("sort", sort);
  const query = params.toString();
  history.pushState(null, "", `${location.pathname}${query ? `?${query}` : ""}${location.hash || "#/"}`);
}

function urlToForm() {
  // Fill the form from the URL (on load, and on back/forward).
  const form = document.getElementById("filters");
  const url = new URLSearchParams(location.search);
  form.type.value = url.get("type") || "";
  fillModes();
  form.mode.value = url.get("mode") || "";
  const country = url.get("country") || "";
  if (country && ![...form.country.options].some((o) => o.value === country)) {
    form.country.append(el("option", { value: country }, country));
  }
  form.country.value = country;
  form.actor.value = url.get("actor") || "";
  form.admin1.value = url.get("admin1") || "";
  form.recipient.value = url.get("recipient") || "";
  const acled = url.get("acled_type") || "";
  if (acled && ![...form.acled_type.options].some((o) => o.value === acled)) {
    form.acled_type.append(el("option", { value: acled }, acled));
  }
  form.acled_type.value = acled;
  form.since.value = url.get("since") || "";
  form.until.value = url.get("until") || "";
  form.min_dead.value = url.get("min_dead") || "";
  form.q.value = url.get("q") || "";
  form.min_confidence.value = url.get("min_confidence") || "0";
  for (const flag of FLAG_KEYS) form[flag].checked = url.get(flag) !== "false";
  document.getElementById("sort").value = url.get("sort") || "date";
}

function resolveActor(text) {
  // A code or a name typed in the actor box -> the code the API filters on.
  const value = (text || "").trim();
  if (!value) return { code: "" };
  const upper = value.toUpperCase();
  const known = state.actors || [];
  if (/^[A-Za-z]{3}$/.test(value) && known.some((a) => a.code === upper)) return { code: upper };
  const lower = value.toLowerCase();
  const exact = known.find((a) => a.names.some((n) => n.toLowerCase() === lower))
    || (state.countries || []).find((c) => c.name.toLowerCase() === lower);
  if (exact) return { code: exact.code };
  // Part of a name: only when it points to one code, never a silent guess among several.
  const partial = known.filter((a) => a.names.some((n) => n.toLowerCase().includes(lower)));
  const codes = [...new Set(partial.map((a) => a.code))];
  if (codes.length === 1) return { code: codes[0] };
  if (codes.length > 1) {
    const listed = partial.slice(0, 6).map((a) => `${a.names[0]} (${a.code})`).join(", ");
    return { error: `“${value}” matches several actors: ${listed}. Pick one of the suggestions.` };
  }
  if (/^[A-Za-z]{3}$/.test(value)) return { code: upper };
  return { error: `No actor called “${value}” among these events: pick one of the suggestions, or type a 3-letter code.` };
}

function fillModes() {
  const form = document.getElementById("filters");
  const modes = (state.modes || {})[form.type.value] || [];
  const current = form.mode.value;
  form.mode.replaceChildren(el("option", { value: "" }, modes.length ? "all modes" : "(choose a type)"),
    ...modes.map((m) => el("option", { value: m }, m)));
  form.mode.disabled = modes.length === 0;
  if (modes.includes(current)) form.mode.value = current;
}

async function loadFacets() {
  // Countries present and each type's modes (for the selects), actors for the suggestions.
  const [facets, actors] = await Promise.all([getJSON("/api/facets"), getJSON("/api/actors?limit=1000")]);
  state.modes = facets.modes;
  state.countries = facets.countries;
  state.actors = actors;
  const form = document.getElementById("filters");
  form.country.replaceChildren(el("option", { value: "" }, "all countries"),
    ...facets.countries.map((c) => el("option", { value: c.code }, `${c.name} (${c.code}) ${c.events}`)));
  // ACLED: each event type with its sub-event types under it (the filter takes either).
  const acledTree = Object.entries(facets.acled_sub_event_types || {});
  form.acled_type.replaceChildren(el("option", { value: "" }, "all ACLED types"),
    ...(acledTree.length
      ? acledTree.map(([kind, subs]) => el("optgroup", { label: kind },
        el("option", { value: kind }, `${kind} (all)`), ...subs.map((t) => el("option", { value: t }, t))))
      : (facets.acled_types || []).map((t) => el("option", { value: t }, t))));
  document.getElementById("admin1-suggestions").replaceChildren(...(facets.admin1 || []).map((a) =>
    el("option", { value: a.admin1 }, `${a.admin1}${a.country ? `, ${a.country}` : ""} (${a.events})`)));
  document.getElementById("actor-suggestions").replaceChildren(...actors.map((a) =>
    el("option", { value: a.code }, `${a.names.slice(0, 3).join(" / ") || a.code} (${a.events})`)));
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
  state.cursor = null;
  updateDownloads();
  try {
    await Promise.all([loadAlerts(), loadMap(), loadTimeline(), loadNetwork(), loadEvents(false)]);
    if (!state.emptyReason) setStatus("");
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

function updateDownloads() {
  for (const link of document.querySelectorAll("#downloads a[data-format]")) {
    link.href = withParams(`/api/exports/${link.dataset.format}`);
  }
}

const PRECISION_NAMES = { 1: "country", 2: "province/state", 3: "district", 4: "town", 5: "site in a town", null: "sea or region" };

function unwrapAntimeridian(collection) {
  // Rings that cross 180° (Russia, Fiji, Antarctica) jump from +180 to -180 and Leaflet would
  // draw that jump as a line across the world: continue them past 180° instead.
  const unwrap = (ring) => {
    let shift = 0;
    return ring.map(([lon, lat], i) => {
      if (i > 0) {
        const previous = ring[i - 1][0];
        if (lon - previous > 180) shift -= 360;
        else if (previous - lon > 180) shift += 360;
      }
      return [lon + shift, lat];
    });
  };
  for (const feature of collection.features) {
    const geometry = feature.geometry;
    if (!geometry) continue;
    if (geometry.type === "Polygon") geometry.coordinates = geometry.coordinates.map(unwrap);
    else if (geometry.type === "MultiPolygon") geometry.coordinates = geometry.coordinates.map((p) => p.map(unwrap));
  }
  return collection;
}

async function initMap() {
  const map = L.map("map", { worldCopyJump: true, minZoom: 1, maxZoom: 12, zoomSnap: 0.5 });
  map.attributionControl.setPrefix("Leaflet");
  map.attributionControl.addAttribution("Country outlines © Natural Earth (public domain)");
  map.setView([25, 20], 2);
  const topology = await getJSON("/static/vendor/world-atlas/countries-50m.json");
  const countries = unwrapAntimeridian(topojson.feature(topology, topology.objects.countries));
  L.geoJSON(countries, {
    style: { color: "#8c99a6", weight: 0.6, fillColor: "#fbfbf8", fillOpacity: 1 },
    interactive: false,
  }).addTo(map);
  state.map = map;
  state.markers = L.layerGroup().addTo(map);
  document.getElementById("map-legend").replaceChildren(
    "Colour: the place's most frequent quad class ",
    ...Object.entries(QUADS).map(([q, info]) => el("span", { class: "item" },
      el("span", { class: "swatch", style: `background:${info.color}` }), `${q} ${info.name}`)),
    el("br"),
    el("span", { class: "item" }, el("span", { class: "dot-town" }), "town or site (size: events)"),
    el("span", { class: "item" }, el("span", { class: "dot-area" }),
      "dashed: placed only at country, province or sea level (not where it happened)"));
}

function dominantQuad(quads) {
  let best = 4;
  let most = -1;
  for (const q of [4, 3, 2, 1]) if ((quads[q] || 0) > most) { best = q; most = quads[q] || 0; }
  return best;
}

async function loadMap() {
  if (!state.map) await initMap();
  const data = await getJSON(withParams("/api/map"));
  state.markers.clearLayers();
  const points = [];
  let areas = 0;
  for (const place of data.places) {
    const quad = dominantQuad(place.quads);
    const area = place.precision === null || place.precision <= 2;  // country, province, sea
    if (area) areas += 1;
    const latLng = [place.lat, place.lon];
    points.push(latLng);
    const size = Math.log2(1 + place.events);  // radius grows slowly: Syria's 400 stay readable
    const marker = area
      ? L.circleMarker(latLng, {
        radius: Math.min(34, 9 + 3 * size), color: QUADS[quad].color, weight: 2, dashArray: "5 4",
        fillColor: QUADS[quad].color, fillOpacity: 0.12,
        className: `fp-area-marker quad-marker-${quad}`,
      })
      : L.circleMarker(latLng, {
        radius: Math.min(22, 4 + 2.5 * size), color: "#fff", weight: 1.5, fillColor: QUADS[quad].color,
        fillOpacity: 0.9, className: `fp-event-marker quad-marker-${quad}`,
      });
    marker.bindTooltip(`${place.name || "?"}: ${place.events}`);
    marker.bindPopup(() => el("div", {},
      el("strong", {}, place.name || "?"), place.country ? ` (${place.country})` : "",
      el("br"), `${place.events} event${place.events === 1 ? "" : "s"}; place precision: ${PRECISION_NAMES[place.precision] || "unknown"}`,
      area ? el("br") : null, area ? el("em", {}, "The events are placed only at this level: the point is the area's, not the events'.") : null,
      el("ul", { class: "popup-events" }, ...place.event_ids.map((id) =>
        el("li", {}, el("a", { href: `#/event/${encodeURIComponent(id)}` }, id)))),
      place.events > place.event_ids.length ? `… and ${place.events - place.event_ids.length} more` : ""));
    state.markers.addLayer(marker);
  }
  const mapBox = document.getElementById("map");
  mapBox.dataset.events = String(data.events);
  mapBox.dataset.places = String(data.places.length);
  mapBox.dataset.areas = String(areas);
  mapBox.dataset.markers = String(data.events);
  document.getElementById("map-count").textContent =
    `${data.events} event${data.events === 1 ? "" : "s"} with a place, at ${data.places.length} place${data.places.length === 1 ? "" : "s"}`
    + (areas ? ` (${areas} country, province or sea only, dashed)` : "");
  if (points.length) state.map.fitBounds(points, { padding: [30, 30], maxZoom: 6 });
}

// --- the timeline: every dated event, in buckets chosen from the span -----------------------

function utcDay(iso) { return new Date(`${iso}T00:00:00Z`); }
function isoDay(date) { return date.toISOString().slice(0, 10); }

function bucketFor(first, last) {
  const days = (utcDay(last) - utcDay(first)) / 86400000;
  if (days <= 92) return "day";
  if (days <= 3 * 366) return "week";
  if (days <= 25 * 366) return "month";
  return "year";
}

function bucketStart(iso, bucket) {
  // The label of the bucket a day falls in: the day, its week's Monday, its month, its year.
  if (bucket === "day") return iso;
  if (bucket === "month") return iso.slice(0, 7);
  if (bucket === "year") return iso.slice(0, 4);
  const day = utcDay(iso);
  day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
  return isoDay(day);
}

function bucketLabels(first, last, bucket) {
  // Every bucket from the first date's to the last's, none skipped.
  const labels = [];
  const end = bucketStart(last, bucket);
  if (bucket === "year") {
    for (let y = Number(first.slice(0, 4)); y <= Number(end); y++) labels.push(String(y).padStart(4, "0"));
    return labels;
  }
  if (bucket === "month") {
    let [y, m] = first.slice(0, 7).split("-").map(Number);
    for (;;) {
      const label = `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}`;
      labels.push(label);
      if (label >= end) return labels;
      m += 1;
      if (m > 12) { m = 1; y += 1; }
    }
  }
  const step = bucket === "week" ? 7 : 1;
  const day = utcDay(bucketStart(first, bucket));
  for (;;) {
    const label = isoDay(day);
    labels.push(label);
    if (label >= end) return labels;
    day.setUTCDate(day.getUTCDate() + step);
  }
}

async function loadTimeline() {
  const rows = await getJSON(withParams("/api/timeline"));
  const dates = [...new Set(rows.map((r) => r.date))].sort();
  const bucket = dates.length ? bucketFor(dates[0], dates[dates.length - 1]) : "day";
  const labels = dates.length ? bucketLabels(dates[0], dates[dates.length - 1], bucket) : [];
  const index = new Map(labels.map((label, i) => [label, i]));
  const counts = Object.fromEntries(Object.keys(QUADS).map((q) => [q, labels.map(() => 0)]));
  for (const row of rows) counts[row.quad_code][index.get(bucketStart(row.date, bucket))] += row.events;
  const datasets = Object.entries(QUADS).map(([quad, info]) => ({
    label: `${quad} ${info.name}`, backgroundColor: info.color, maxBarThickness: 48,
    data: counts[quad],
  }));
  const canvas = document.getElementById("timeline");
  const total = rows.reduce((sum, r) => sum + r.events, 0);
  canvas.dataset.days = String(dates.length);
  canvas.dataset.events = String(total);
  canvas.dataset.bucket = bucket;
  canvas.dataset.first = dates[0] || "";
  canvas.dataset.last = dates[dates.length - 1] || "";
  canvas.dataset.charted = String(Object.values(counts).flat().reduce((a, b) => a + b, 0));
  state.timeline = { bucket, labels };
  document.getElementById("timeline-bucket").textContent = bucket;
  document.getElementById("timeline-range").textContent = dates.length
    ? `${dates[0]} to ${dates[dates.length - 1]}: ${total} dated event${total === 1 ? "" : "s"}`
      + (bucket === "year" || bucket === "month"
        ? ` (set From/To${filterParams().get("background") === "false" ? "" : ", or untick background,"} to zoom in)` : "")
    : "no dated events";
  if (state.chart) state.chart.destroy();
  state.chart = new Chart(canvas, {
    type: "bar",
    data: { labels, datasets },
    options: {
      animation: false, maintainAspectRatio: false, responsive: true,
      scales: { x: { stacked: true, ticks: { autoSkip: true, maxRotation: 0 } },
        y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
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
  // The strongest dyads only, nodes named; clicking an actor filters on its code.
  const dyads = await getJSON(withParams("/api/dyads", { level: "actor", limit: "25" }));
  const nodes = new Map();
  for (const d of dyads) {
    for (const [id, code] of [[d.source, d.source_code], [d.target, d.target_code]]) {
      const node = nodes.get(id) || { weight: 0, code };
      node.weight += d.events;
      nodes.set(id, node);
    }
  }
  const elements = [
    ...[...nodes].map(([id, node]) => ({ data: { id, label: `${id} (${node.code})`, weight: node.weight, code: node.code } })),
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
        label: "data(label)", "font-size": 9, "background-color": "#495057",
        width: "mapData(weight, 1, 50, 12, 36)", height: "mapData(weight, 1, 50, 12, 36)",
        color: "#1f2328", "text-valign": "top", "text-margin-y": -3, "text-wrap": "ellipsis",
        "text-max-width": 140 } },
      { selector: "edge", style: {
        width: "data(width)", "line-color": "data(color)", "target-arrow-color": "data(color)",
        "target-arrow-shape": "triangle", "curve-style": "bezier", opacity: 0.85 } },
    ],
    layout: { name: nodes.size > 12 ? "cose" : "circle", animate: false, padding: 20 },
    userZoomingEnabled: true,
  });
  state.network.on("tap", "node", (e) => filterOnActor(e.target.data("code")));
  container.dataset.nodes = String(nodes.size);
  container.dataset.edges = String(dyads.length);
  const list = document.getElementById("dyad-list");
  list.replaceChildren(...dyads.map((d) => el("li", { class: "dyad" },
    el("a", { href: "#/", onclick: (e) => { e.preventDefault(); filterOnActor(d.source_code); } }, `${d.source} (${d.source_code})`),
    " → ",
    el("a", { href: "#/", onclick: (e) => { e.preventDefault(); filterOnActor(d.target_code); } }, `${d.target} (${d.target_code})`),
    `: ${d.events} event${d.events === 1 ? "" : "s"}, mean score ${(d.score_mean ?? 0).toFixed(1)}`)));
  if (!dyads.length) list.replaceChildren(el("li", {}, "No dyads: no event here has a coded actor and recipient."));
}

function filterOnActor(code) {
  if (!code) return;
  document.getElementById("f-actor").value = code;
  document.getElementById("filters").requestSubmit();
}

async function explainEmpty() {
  // Which filter, left out, would let events through.
  const active = [...filterParams().keys()];
  if (!active.length) return "No events are stored yet: code some with `flashpoint run` or `flashpoint ingest`.";
  const counts = await Promise.all(active.map(async (key) => {
    const params = filterParams();
    params.delete(key);
    params.set("limit", "1");
    const page = await getJSON(`/api/events?${params}`);
    return [key, page.total];
  }));
  const shown = active.map((k) => `${FILTER_NAMES[k] || k} ${["background", "hypothetical", "negated"].includes(k) ? "" : filterParams().get(k)}`.trim());
  const helps = counts.filter(([, n]) => n > 0).map(([k, n]) => `without ${FILTER_NAMES[k] || k}: ${n}`);
  return `No events match all of these filters (${shown.join(", ")}). `
    + (helps.length ? `Leaving one out would give: ${helps.join("; ")}.` : "No single filter left out would give any: clear several.")
    + (filterParams().has("since") || filterParams().has("until") ? " Dates compare the event's own date; undated events never match a date range." : "");
}

async function loadEvents(append) {
  const sort = document.getElementById("sort").value;
  // The next page follows the previous one's cursor: any depth costs the server the same.
  const more = append && state.cursor ? { cursor: state.cursor } : {};
  const page = await getJSON(withParams("/api/events", { sort, limit: String(PAGE), ...more }));
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
  state.emptyReason = "";
  if (page.total === 0 && !append) {
    state.emptyReason = await explainEmpty();
    rows.push(el("tr", { class: "empty" }, el("td", { colspan: "5", id: "empty-reason" }, state.emptyReason)));
    setStatus(state.emptyReason);
  }
  if (append) body.append(...rows); else body.replaceChildren(...rows);
  state.offset += page.items.length;
  state.cursor = page.next;
  document.getElementById("event-count").textContent = page.total_capped
    ? `${page.total.toLocaleString("en")}+ in all` : `${page.total} in all`;
  document.getElementById("more").hidden = !page.next;
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
      ["ACLED", acledLabel(event.acled)],
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

function apply() {
  try {
    formToURL();
  } catch (error) {
    setStatus(error.message, true);
    return;
  }
  if (location.hash.startsWith("#/event/")) { state.loaded = false; location.hash = "#/"; return; }
  loadDashboard();
}

async function init() {
  const select = document.getElementById("f-type");
  for (const type of EVENT_TYPES) select.append(el("option", { value: type }, type));
  try {
    await loadFacets();
  } catch (error) {
    setStatus(`Could not load the filters: ${error.message}`, true);
  }
  urlToForm();
  const form = document.getElementById("filters");
  form.addEventListener("submit", (e) => { e.preventDefault(); apply(); });
  select.addEventListener("change", () => { fillModes(); form.requestSubmit(); });
  for (const id of ["f-mode", "f-country", "f-acled"]) {
    document.getElementById(id).addEventListener("change", () => form.requestSubmit());
  }
  document.getElementById("f-reset").addEventListener("click", () => {
    history.pushState(null, "", `${location.pathname}#/`);
    urlToForm();
    loadDashboard();
  });
  document.getElementById("sort").addEventListener("change", () => {
    state.offset = 0;
    state.cursor = null;
    try { formToURL(); } catch (_) { /* the sort alone */ }
    loadEvents(false).catch((e) => setStatus(e.message, true));
  });
  document.getElementById("alert-clear").addEventListener("click", () => {
    state.alert = null;
    loadDashboard();
  });
  document.getElementById("more").addEventListener("click", () =>
    loadEvents(true).catch((e) => setStatus(e.message, true)));
  window.addEventListener("hashchange", route);
  window.addEventListener("popstate", () => {
    urlToForm();
    if (!location.hash.startsWith("#/event/")) loadDashboard();
  });
  route();
}

document.addEventListener("DOMContentLoaded", init);
