/* The committee's map of a round (staff of the round's committee only, docs/adr/0022).
   Residences come clustered by the server for the visible box and zoom, never one marker per
   child; no tile server is needed (ward boundaries are drawn as the background). */
(function () {
  "use strict";
  const T = JSON.parse(document.getElementById("round-map-strings").textContent);
  const CFG = JSON.parse(document.getElementById("round-map-config").textContent);
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
  const locale = CFG.lang === "vi" ? "vi-VN" : "en-GB";
  const fmtN = (n) => Number(n).toLocaleString(locale);
  const fmtKm = (m) => (m / 1000).toLocaleString(locale, {minimumFractionDigits: 2, maximumFractionDigits: 2}) + " " + T.km;
  const appUrl = (uuid) => CFG.applicationUrl.replace(CFG.uuidPlaceholder, uuid);
  const el = $("map");

  const map = L.map(el, {preferCanvas: true, minZoom: 8, maxZoom: 19}).setView([10.78, 106.70], 11);
  map.attributionControl.setPrefix("Leaflet");
  map.attributionControl.addAttribution(esc(T.noTiles));
  L.control.scale({imperial: false, metric: true}).addTo(map);
  window.roundMap = map;  // for browser tests and the console

  // Colours: one per status; per school a stable colour from its id; unplaced red, not in run grey.
  const STATUS_COLOURS = {
    submitted: "#1f77b4", under_review: "#17becf", correction_requested: "#bcbd22",
    resubmitted: "#9467bd", verified: "#2ca02c", rejected: "#7f7f7f", offered: "#ff7f0e",
    waitlisted: "#d62728", accepted: "#0b6e4f", declined: "#8c564b", expired: "#e377c2",
    enrolled: "#004c6d", withdrawn: "#aaaaaa",
  };
  const PALETTE = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d",
    "#1f78b4", "#b2df8a", "#fb9a99", "#6a3d9a", "#b15928", "#01665e", "#8c510a"];
  function colour(key) {
    if (mode() === "status") return STATUS_COLOURS[key] || "#444";
    if (key === "unplaced") return "#d7191c";
    if (key === "none") return "#999999";
    return PALETTE[Number(key) % PALETTE.length];
  }
  function keyLabel(key) {
    if (mode() === "status") return CFG.statuses[key] || key;
    if (key === "unplaced") return T.unplaced;
    if (key === "none") return T.none;
    return CFG.schools[key] || key;
  }
  const mode = () => $("rm-mode").value;

  const wardLayer = L.geoJSON(null, {
    style: {color: "#50627a", weight: 1, fillColor: "#e9eef2", fillOpacity: 0.9},
    interactive: false,
  }).addTo(map);
  const catchmentLayer = L.geoJSON(null, {
    style: (f) => {
      const p = f.properties;
      const ratio = p.seats ? p.demand / p.seats : (p.demand ? 9 : 0);
      const fill = ratio > 1.1 ? "#d7191c" : ratio > 0.9 ? "#fdae61" : "#1a9641";
      return {color: fill, weight: 1.5, dashArray: "4 3", fillColor: fill, fillOpacity: 0.15};
    },
    onEachFeature: (f, layer) => layer.bindTooltip(
      `<strong>${esc(f.properties.school_name)}</strong><br>${esc(T.demand)}: ${fmtN(f.properties.demand)} · ${esc(T.seats)}: ${fmtN(f.properties.seats)}`,
      {sticky: true}),
  });
  const lineLayer = L.layerGroup().addTo(map);
  const farthestLayer = L.layerGroup().addTo(map);
  const clusterLayer = L.layerGroup().addTo(map);

  function params(extra) {
    const p = new URLSearchParams(extra);
    for (const [id, name] of [["rm-status", "status"], ["rm-school", "school"], ["rm-ward", "ward"], ["rm-placement", "placement"], ["rm-run", "run"]]) {
      const v = $(id).disabled ? "" : $(id).value;
      if (v) p.set(name, v);
    }
    return p;
  }
  function bboxParam() {
    const b = map.getBounds().pad(0.1);
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(5)).join(",");
  }
  const inflight = {};
  async function getJSON(name, url) {
    if (inflight[name]) inflight[name].abort();
    const ctrl = new AbortController();
    inflight[name] = ctrl;
    const response = await fetch(url, {headers: {Accept: "application/json"}, signal: ctrl.signal});
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.detail || response.statusText);
    return body;
  }

  function clusterMarker(f) {
    const p = f.properties;
    const [lon, lat] = f.geometry.coordinates;
    const keys = Object.keys(p.counts).sort((a, b) => p.counts[b] - p.counts[a]);
    const main = colour(keys[0]);
    if (p.count === 1 && p.members) {
      const m = p.members[0];
      const marker = L.marker([lat, lon], {
        title: `${m.code} · ${keyLabel(m.key)}`, alt: m.code,
        icon: L.divIcon({className: "rm-pin", html: `<span style="background:${main}"></span>`, iconSize: [16, 16]}),
      });
      marker.on("click", () => { window.location.href = appUrl(m.uuid); });
      marker.on("add", () => { marker.getElement().dataset.uuid = m.uuid; });
      return marker;
    }
    const size = Math.round(26 + Math.min(24, Math.log10(p.count) * 9));
    const label = `${fmtN(p.count)} ${p.count === 1 ? T.child : T.children}`;
    const marker = L.marker([lat, lon], {
      title: label, alt: label,
      icon: L.divIcon({className: "rm-cluster", iconSize: [size, size],
        html: `<span style="border-color:${main};width:${size}px;height:${size}px;line-height:${size - 6}px">${fmtN(p.count)}</span>`}),
    });
    if (p.members) {
      const items = p.members.map((m) => `<li><a href="${esc(appUrl(m.uuid))}" data-uuid="${esc(m.uuid)}">${esc(m.code)}</a> · ${esc(keyLabel(m.key))}</li>`).join("");
      marker.bindPopup(`<ul class="rm-members">${items}</ul>`);
    } else {
      marker.on("click", () => map.setView([lat, lon], Math.min(map.getZoom() + 2, map.getMaxZoom())));
    }
    marker.on("add", () => { marker.getElement().dataset.count = String(p.count); });
    return marker;
  }

  function legend(counts) {
    const items = Object.entries(counts).sort((a, b) => b[1] - a[1]).slice(0, 14);
    $("rm-legend").innerHTML = items.map(([k, n]) =>
      `<li data-key="${esc(k)}"><i style="background:${colour(k)}"></i>${esc(keyLabel(k))}: ${fmtN(n)}</li>`).join("");
  }

  // Up to zoom 12 the server answers for the whole city (and caches it): panning needs nothing new.
  const CITY_WIDE_MAX_ZOOM = 12;
  let clusterSeq = 0, lastCityWide = "";
  async function loadClusters(force) {
    const cityWide = map.getZoom() <= CITY_WIDE_MAX_ZOOM ? params({z: map.getZoom(), mode: mode()}).toString() : "";
    if (cityWide && cityWide === lastCityWide && !force) return;
    lastCityWide = cityWide;
    const seq = ++clusterSeq;
    el.dataset.loading = "1";
    try {
      const body = await getJSON("clusters", CFG.api + "clusters/?" + params({z: map.getZoom(), bbox: bboxParam(), mode: mode()}));
      clusterLayer.clearLayers();
      const totals = {};
      for (const f of body.features) {
        clusterLayer.addLayer(clusterMarker(f));
        for (const [k, n] of Object.entries(f.properties.counts)) totals[k] = (totals[k] || 0) + n;
      }
      legend(totals);
      $("rm-summary").textContent = `${T.shown}: ${fmtN(body.total)}`;
      el.dataset.total = String(body.total);
      el.dataset.clusters = String(body.features.length);
      el.dataset.zoom = String(body.zoom);
    } catch (err) {
      if (err.name !== "AbortError") { lastCityWide = ""; $("rm-summary").textContent = `${T.error}: ${err.message}`; }
    } finally {
      if (seq === clusterSeq) el.dataset.loading = "0";  // a newer request is still on its way
    }
  }

  function lineTo(f, style) {
    const [[hx, hy], [sx, sy]] = f.geometry.coordinates;
    const p = f.properties;
    return L.polyline([[hy, hx], [sy, sx]], style).bindTooltip(
      `${esc(p.code)} → ${esc(p.school_name)} · ${fmtKm(p.distance_m)}`, {sticky: true});
  }

  async function loadLines() {
    lineLayer.clearLayers();
    const note = $("rm-lines-note");
    note.hidden = true;
    if (!$("rm-lines").checked || $("rm-lines").disabled) return;
    if (map.getZoom() < 14 && !$("rm-school").value) { note.textContent = T.linesZoom; note.hidden = false; return; }
    try {
      const body = await getJSON("lines", CFG.api + "lines/?" + params({bbox: bboxParam()}));
      body.features.forEach((f) => lineLayer.addLayer(lineTo(f, {color: colour(String(f.properties.school_id)), weight: 1, opacity: 0.7})));
      el.dataset.lines = String(body.features.length);
      if (body.truncated) { note.textContent = T.linesTruncated.replace("%(n)s", fmtN(body.features.length)); note.hidden = false; }
    } catch (err) { if (err.name !== "AbortError") { note.textContent = T.error; note.hidden = false; } }
  }

  async function loadFarthest() {
    farthestLayer.clearLayers();
    if (!$("rm-farthest").checked || $("rm-farthest").disabled) return;
    try {
      const body = await getJSON("farthest", CFG.api + "farthest/?" + params({}));
      body.features.forEach((f) => {
        const line = lineTo(f, {color: "#b2182b", weight: 3, dashArray: "6 4"});
        line.on("click", () => { window.location.href = appUrl(f.properties.uuid); });
        farthestLayer.addLayer(line);
      });
      el.dataset.farthest = String(body.features.length);
    } catch (err) { if (err.name !== "AbortError") $("rm-summary").textContent = T.error; }
  }

  async function loadCatchments() {
    if (!$("rm-catchments").checked) { map.removeLayer(catchmentLayer); return; }
    if (!catchmentLayer.getLayers().length) {
      const fc = await getJSON("catchments", CFG.api + "catchments/");
      catchmentLayer.addData(fc);
      el.dataset.catchments = String(fc.features.length);
    }
    catchmentLayer.addTo(map);
  }

  async function loadWards() {
    const fc = await getJSON("wards", "/api/v1/admin-units/");
    wardLayer.addData(fc);
  }

  function zoomToWard() {
    const code = CFG.wardCodes[$("rm-ward").value];
    if (!code) return;
    wardLayer.eachLayer((l) => { if (l.feature.properties.code === code) map.fitBounds(l.getBounds(), {animate: false}); });
  }

  const refresh = () => Promise.all([loadClusters(true), loadLines()]);
  let timer = null;
  map.on("moveend", () => { clearTimeout(timer); timer = setTimeout(() => Promise.all([loadClusters(false), loadLines()]), 120); });
  for (const id of ["rm-mode", "rm-status", "rm-school", "rm-placement", "rm-run"]) {
    $(id).addEventListener("change", () => { refresh(); loadFarthest(); });
  }
  $("rm-ward").addEventListener("change", () => { zoomToWard(); refresh(); loadFarthest(); });
  $("rm-lines").addEventListener("change", loadLines);
  $("rm-farthest").addEventListener("change", loadFarthest);
  $("rm-catchments").addEventListener("change", loadCatchments);
  $("round-map-filters").addEventListener("submit", (e) => e.preventDefault());

  // First fit the map to every residence the filters keep, then follow the view.
  async function fitToChildren() {
    const body = await getJSON("extent", CFG.api + "clusters/?" + params({z: map.getMinZoom(), bbox: "105.9,8.4,107.8,11.7", extent: "true"}));
    if (body.extent) {
      const [w, s, e, n] = body.extent;
      map.fitBounds([[s, w], [n, e]], {padding: [12, 12], animate: false});
    }
  }

  loadWards().then(fitToChildren).then(refresh).then(() => { el.dataset.ready = "1"; })
    .catch((err) => { $("rm-summary").textContent = `${T.error}: ${err.message}`; });
})();
