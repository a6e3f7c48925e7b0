/* Public school map. Data comes from the read-only /api/v1/ endpoints; no household data exists here. */
(function () {
  "use strict";
  const T = JSON.parse(document.getElementById("map-strings").textContent);
  const CFG = JSON.parse(document.getElementById("map-config").textContent);
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
  const fmtKm = (m) => (m / 1000).toLocaleString(CFG.lang === "vi" ? "vi-VN" : "en-GB", {minimumFractionDigits: 2, maximumFractionDigits: 2}) + " " + T.km;

  const map = L.map("map", {preferCanvas: true, zoomControl: true, minZoom: 8, maxZoom: 19}).setView([10.78, 106.70], 11);
  map.attributionControl.setPrefix("Leaflet");
  map.attributionControl.addAttribution("© OpenStreetMap contributors");
  L.control.scale({imperial: false, metric: true}).addTo(map);
  window.portalMap = map;  // for browser tests and the browser console
  if (CFG.tileUrl) {
    L.tileLayer(CFG.tileUrl, {maxZoom: 19, attribution: CFG.tileAttribution}).addTo(map);
  }  // without tiles the page says so in the legend (a long credit would cover the map on a phone)

  const wardLayer = L.geoJSON(null, {
    style: {color: "#50627a", weight: 1, fillColor: CFG.tileUrl ? "transparent" : "#e9eef2", fillOpacity: CFG.tileUrl ? 0 : 0.9},
    onEachFeature: (f, layer) => layer.bindTooltip(esc(f.properties.name), {sticky: true}),
  }).addTo(map);
  const catchmentLayer = L.geoJSON(null, {
    style: {color: "#2e7d32", weight: 1.5, dashArray: "4 3", fillColor: "#66bb6a", fillOpacity: 0.12},
    onEachFeature: (f, layer) => layer.bindTooltip(esc(f.properties.school_name)),
  });
  const clusters = L.markerClusterGroup({showCoverageOnHover: false, maxClusterRadius: 45});
  map.addLayer(clusters);
  window.portalLayers = {wards: wardLayer, schools: clusters};  // for browser tests
  const pickLayer = L.layerGroup().addTo(map);

  async function getJSON(url) {
    const response = await fetch(url, {headers: {Accept: "application/json"}});
    const body = await response.json().catch(() => ({}));
    if (!response.ok) { const err = new Error(body.detail || response.statusText); err.status = response.status; throw err; }
    return body;
  }

  // The admission round's seats per school (the same selector as the application form); the
  // school's own census figure only when no round lists the school.
  let roundSeats = {schools: {}, school_year: null};
  async function loadSeats() {
    if (!CFG.seatsUrl) return;
    try { roundSeats = await getJSON(CFG.seatsUrl); } catch (err) { /* the popup falls back */ }
  }

  function seatsLine(p, id) {
    const row = roundSeats.schools[String(id)];
    if (row) {
      const label = T.roundSeats.replace("%(year)s", `${roundSeats.school_year}–${roundSeats.school_year + 1}`);
      return `<span class="popup-seats" data-source="round">${esc(label)}: ${esc(row.seats)}${row.demo_figure ? " (" + esc(T.demoFigure) + ")" : ""}</span>`;
    }
    const value = p.grade1_seats == null ? T.notPublished : p.grade1_seats;
    return `<span class="popup-seats" data-source="school">${esc(T.grade1Seats)}: ${esc(value)}</span>`;
  }

  function schoolPopup(p, id) {
    const demo = p.location_source === "demo_placed" ? `<div class="note">${esc(T.demoNote)}</div>` : "";
    return `<strong>${esc(p.name)}</strong><br>${p.address ? esc(T.address) + ": " + esc(p.address) + "<br>" : ""}` +
      `${p.ward ? esc(T.ward) + ": " + esc(p.ward.name) + "<br>" : ""}${seatsLine(p, id)}<br>` +
      `${esc(T.locationSource)}: ${esc(T[p.location_source] || p.location_source)}${demo}`;
  }

  function schoolMarker(feature, latlng) {
    const demo = feature.properties.location_source === "demo_placed";
    return L.circleMarker(latlng, demo
      ? {radius: 7, color: "#b26a00", weight: 2, dashArray: "3 2", fillColor: "#fff", fillOpacity: 1}
      : {radius: 7, color: "#fff", weight: 1.5, fillColor: "#0b6bcb", fillOpacity: 0.95});
  }

  async function loadSchools() {
    clusters.clearLayers();
    const params = new URLSearchParams({page_size: "1000"});
    if ($("level").value) params.set("level", $("level").value);
    if ($("ward").value) { params.set("ward", $("ward").value); params.set("vintage", wardVintageForFilter); }
    let url = "/api/v1/schools/?" + params;
    while (url) {
      const page = await getJSON(url);
      const layer = L.geoJSON(page, {pointToLayer: schoolMarker, onEachFeature: (f, l) => l.bindPopup(() => schoolPopup(f.properties, f.id))});
      clusters.addLayers(layer.getLayers());
      url = page.next;
    }
    $("map").dataset.schoolsLoaded = String(clusters.getLayers().length);
  }

  let wardVintageForFilter = null;
  async function loadWards() {
    const vintage = $("vintage").value;
    const fc = await getJSON("/api/v1/admin-units/?vintage=" + encodeURIComponent(vintage));
    wardLayer.clearLayers().addData(fc);
    $("map").dataset.wardsLoaded = String(fc.features.length);
    wardVintageForFilter = vintage;
    const select = $("ward");
    const keep = select.options[0];
    select.replaceChildren(keep);
    fc.features.map((f) => f.properties).sort((a, b) => a.name.localeCompare(b.name, "vi"))
      .forEach((p) => select.add(new Option(p.parent ? `${p.name} (${p.parent})` : p.name, p.code)));
  }

  async function loadCatchments() {
    if (!CFG.schoolYear) return;
    const fc = await getJSON("/api/v1/catchments/?school_year=" + CFG.schoolYear);
    catchmentLayer.clearLayers().addData(fc);
    if ($("show-catchments").checked) catchmentLayer.addTo(map);
  }

  // Public demand: counts per hexagon from the admissions API, cells under 10 never published.
  const demandLayer = L.geoJSON(null, {
    style: (f) => {
      const n = f.properties.children;
      const fill = n >= 200 ? "#7a0177" : n >= 100 ? "#c51b8a" : n >= 50 ? "#f768a1" : n >= 25 ? "#fbb4b9" : "#feebe2";
      return {color: "#7a0177", weight: 0.5, fillColor: fill, fillOpacity: 0.6};
    },
    onEachFeature: (f, layer) => layer.bindTooltip(`${esc(T.demandChildren)}: ${f.properties.children.toLocaleString(CFG.lang === "vi" ? "vi-VN" : "en-GB")}`),
  });
  async function toggleDemand() {
    if (!$("show-demand").checked) { map.removeLayer(demandLayer); return; }
    if (!demandLayer.getLayers().length) {
      const fc = await getJSON("/api/v1/demand/");
      demandLayer.addData(fc);
      $("map").dataset.demandCells = String(fc.features.length);
      if (!fc.features.length) $("nearest-results").innerHTML = `<p class="muted">${esc(T.demandNone)}</p>`;
    }
    demandLayer.addTo(map);
  }

  // The chosen ward stands out (thick outline, lighter fill) and the map zooms to it.
  const CHOSEN_WARD = {color: "#0b4f8a", weight: 3, fillColor: CFG.tileUrl ? "#0b4f8a" : "#cfe3f7", fillOpacity: CFG.tileUrl ? 0.08 : 0.95};
  function zoomToWard() {
    const code = $("ward").value;
    wardLayer.resetStyle();
    $("map").dataset.chosenWard = code;
    if (!code) { map.fitBounds(wardLayer.getBounds()); return; }
    wardLayer.eachLayer((l) => {
      if (l.feature.properties.code !== code) return;
      l.setStyle(CHOSEN_WARD);
      l.bringToFront();
      map.fitBounds(l.getBounds());
    });
  }

  // The chosen metric's distance first, the straight line next to it.
  function distances(r, metric) {
    const straight = `<span class="distance straight">${fmtKm(r.distance_m)} ${esc(T.straightLine)}</span>`;
    if (r.road_distance_m == null) return straight;
    return `<span class="distance road">${fmtKm(r.road_distance_m)} ${esc(T[metric])}</span> · ${straight}`;
  }

  async function findNearest(lat, lon) {
    const out = $("nearest-results");
    out.textContent = T.searching;
    pickLayer.clearLayers();
    const k = $("k").value || "5";
    const params = new URLSearchParams({lat, lon, k, metric: $("metric").value});
    if (!$("level").value) params.set("level", "all");
    try {
      const data = await getJSON("/api/v1/schools/nearest/?" + params);
      L.marker([data.lat, data.lon], {title: T.yourPoint}).addTo(pickLayer);
      const items = data.results.map((r) => {
        L.polyline([[data.lat, data.lon], [r.lat, r.lon]], {color: "#0b6bcb", weight: 1, opacity: 0.6}).addTo(pickLayer);
        const demo = r.location_source === "demo_placed" ? ` <span class="badge demo">${esc(T.demo_placed)}</span>` : "";
        return `<li data-code="${esc(r.code)}" data-distance-m="${r.distance_m}" data-road-distance-m="${r.road_distance_m ?? ""}"><strong>${esc(r.name)}</strong>${demo} — ${distances(r, data.metric)}</li>`;
      }).join("");
      const fallback = data.fallback ? `<p class="note" id="result-fallback">${esc(T.fallback.replace("%(reason)s", data.fallback.detail))}</p>` : "";
      const catchment = data.catchment ? esc(data.catchment.school_name) : esc(T.noCatchment);
      out.innerHTML = `<p><strong>${esc(T.ward)}:</strong> <span id="result-ward">${esc(data.ward.name)}</span><br>` +
        `<strong>${esc(T.catchmentOf)}:</strong> <span id="result-catchment">${catchment}</span></p>` +
        `${fallback}<h3 style="font-size:.95rem;margin:.3rem 0">${esc(T.nearest)}</h3><ol class="nearest-list">${items}</ol>`;
      out.scrollIntoView({behavior: "smooth", block: window.matchMedia("(max-width: 52rem)").matches ? "start" : "nearest"});
    } catch (err) {
      out.innerHTML = `<p class="errorlist">${esc(err.status === 422 ? T.outside : T.error + ": " + err.message)}</p>`;
    }
  }

  map.on("click", (e) => {
    $("lat").value = e.latlng.lat.toFixed(6);
    $("lon").value = e.latlng.lng.toFixed(6);
    findNearest($("lat").value, $("lon").value);
  });
  $("nearest-form").addEventListener("submit", (e) => {
    e.preventDefault();
    findNearest($("lat").value.trim().replace(",", "."), $("lon").value.trim().replace(",", "."));
  });
  $("vintage").addEventListener("change", () => loadWards().then(loadSchools));
  $("level").addEventListener("change", loadSchools);
  $("ward").addEventListener("change", () => { zoomToWard(); loadSchools(); });
  $("show-demand").addEventListener("change", () => toggleDemand().catch((err) => {
    $("nearest-results").innerHTML = `<p class="errorlist">${esc(T.error)}: ${esc(err.message)}</p>`;
  }));
  $("show-catchments").addEventListener("change", (e) => e.target.checked ? catchmentLayer.addTo(map) : map.removeLayer(catchmentLayer));

  loadWards().then(() => Promise.all([loadSchools(), loadCatchments(), loadSeats()]))
    .then(() => { $("map").dataset.ready = "1"; })
    .catch((err) => { $("nearest-results").innerHTML = `<p class="errorlist">${esc(T.error)}: ${esc(err.message)}</p>`; });
})();
