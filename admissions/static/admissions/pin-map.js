/* Residence pin on the application form: ward boundaries from /api/v1/admin-units/, a click sets
   the hidden lat/lon inputs, shows the ward computed from the pin and proposes nearest schools. */
(function () {
  "use strict";
  const texts = document.getElementById("pin-texts");
  const T = texts ? JSON.parse(texts.textContent) : {};
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
  const el = $("pin-map");
  if (!el) return;
  const readonly = el.dataset.readonly === "1";
  const map = L.map(el, {preferCanvas: true, minZoom: 8, maxZoom: 19}).setView([10.78, 106.70], 11);
  map.attributionControl.setPrefix("Leaflet");
  const WARD_STYLE = {color: "#50627a", weight: 1, fillColor: "#e9eef2", fillOpacity: 0.9};
  const CHOSEN_STYLE = {color: "#0b4f8a", weight: 3, fillColor: "#cfe3f7", fillOpacity: 0.9};
  const wards = L.geoJSON(null, {style: WARD_STYLE}).addTo(map);
  window.pinMap = map;  // for browser tests and the console
  const km = (m) => (m / 1000).toLocaleString(document.documentElement.lang === "vi" ? "vi-VN" : "en-GB", {minimumFractionDigits: 2, maximumFractionDigits: 2}) + " " + (T.km || "km");
  const illustrative = (r) => r.illustrative ? ` <span class="badge demo">${esc(T.illustrative)}</span>` : "";
  let marker = null;
  const latInput = $("id_lat"), lonInput = $("id_lon");

  function place(lat, lon) {
    if (marker) marker.setLatLng([lat, lon]); else marker = L.marker([lat, lon]).addTo(map);
  }

  // The round's distance first (by road when it measures by road), the straight line next to it.
  function distances(r, body) {
    const straight = `<span class="distance straight">${km(r.distance_m)}${body.straight_label ? " " + esc(body.straight_label) : ""}</span>`;
    if (r.road_distance_m == null) return straight;
    return `<span class="distance road">${km(r.road_distance_m)} ${esc(body.metric_label)}</span> · ${straight}`;
  }
  const fallbackNote = (body) => body.fallback ? `<p class="note" id="distance-fallback">${esc(body.fallback)}</p>` : "";

  async function suggest(lat, lon) {
    const out = $("suggestions");
    if (!out) return;
    const response = await fetch(`/tuyen-sinh/goi-y/?lat=${lat}&lon=${lon}`, {headers: {Accept: "application/json"}});
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      $("pin-ward").innerHTML = `<span class="errorlist" id="pin-outside">${esc(body.detail || T.outside)}</span>`;
      out.innerHTML = "";
      return;
    }
    $("pin-ward").innerHTML = `${esc(T.ward)}: <strong id="pin-ward-name" data-code="${esc(body.ward.code)}">${esc(body.ward.name)}</strong>`;
    const typed = $("id_ward_code");
    $("pin-mismatch").hidden = !(typed && typed.value && typed.value !== body.ward.code);
    if (!$("id_choice_1")) {  // nearest-first round: nothing to rank, show what is considered
      const considered = body.results.map((r) =>
        `<li data-school="${r.id}" data-illustrative="${r.illustrative ? 1 : 0}">${esc(r.name)}${illustrative(r)} — ${distances(r, body)} · ${esc(r.why)}</li>`).join("");
      out.innerHTML = `<p><strong>${esc(T.considered)}</strong></p>${fallbackNote(body)}<ol id="considered-list">${considered}</ol>` +
        (body.warning ? `<p class="note" id="suggestion-warning">${esc(body.warning)}</p>` : "");
      return;
    }
    const items = body.results.map((r) =>
      `<li data-school="${r.id}" data-illustrative="${r.illustrative ? 1 : 0}">${esc(r.name)}${illustrative(r)} — ${distances(r, body)} · ${r.seats} ${esc(T.seats)}` +
      `${r.last_cutoff_m ? " · " + esc(T.cutoff) + " " + km(r.last_cutoff_m) : ""}` +
      `${r.in_catchment ? " · <em>" + esc(T.catchment) + "</em>" : ""}</li>`).join("");
    out.innerHTML = `<p><strong>${esc(T.proposed)}</strong></p>${fallbackNote(body)}<ol id="suggestion-list">${items}</ol>` +
      (body.warning ? `<p class="note" id="suggestion-warning">${esc(body.warning)}</p>` : "") +
      `<p><button type="button" class="btn secondary" id="use-suggestions">${esc(T.use)}</button></p>`;
    const fill = () => body.results.forEach((r, i) => { const s = $("id_choice_" + (i + 1)); if (s) s.value = String(r.id); });
    $("use-suggestions").addEventListener("click", fill);
    if (!$("id_choice_1").value) fill();
  }

  async function init() {
    const response = await fetch("/api/v1/admin-units/", {headers: {Accept: "application/json"}});
    const fc = await response.json();
    wards.addData(fc);
    el.dataset.wardsLoaded = String(fc.features.length);
    const lat = parseFloat(el.dataset.lat || (latInput && latInput.value));
    const lon = parseFloat(el.dataset.lon || (lonInput && lonInput.value));
    if (!isNaN(lat) && !isNaN(lon)) { place(lat, lon); map.setView([lat, lon], 15); }
    else if (!readonly && $("id_ward_code") && $("id_ward_code").value) showWard($("id_ward_code").value);
    el.dataset.ready = "1";
  }

  function setPin(lat, lon) {
    latInput.value = lat; lonInput.value = lon;
    place(lat, lon);
    suggest(lat, lon);
  }

  // The ward picker: zoom the map to the chosen ward and outline it, so the home is easy to find
  // without a street map.
  function showWard(code) {
    let found = null;
    wards.eachLayer((l) => {
      const chosen = l.feature.properties.code === code;
      l.setStyle(chosen ? CHOSEN_STYLE : WARD_STYLE);
      if (chosen) { found = l; l.bringToFront(); }
    });
    if (found) { map.fitBounds(found.getBounds()); el.dataset.zoomedWard = code; }
  }

  if (!readonly) {
    map.on("click", (e) => setPin(e.latlng.lat.toFixed(6), e.latlng.lng.toFixed(6)));
    const typed = $("id_ward_code");
    if (typed) typed.addEventListener("change", () => {
      if (typed.value) showWard(typed.value);
      if (latInput.value) suggest(latInput.value, lonInput.value);
    });
    const locate = $("use-my-location"), status = $("geo-status");
    if (locate) {
      if (!("geolocation" in navigator)) locate.hidden = true;
      locate.addEventListener("click", () => {
        status.textContent = T.locating || "";
        navigator.geolocation.getCurrentPosition((pos) => {
          const lat = pos.coords.latitude.toFixed(6), lon = pos.coords.longitude.toFixed(6);
          setPin(lat, lon);
          map.setView([lat, lon], 17);
          status.textContent = T.located || "";
        }, () => { status.textContent = T.geoFailed || ""; }, {enableHighAccuracy: true, timeout: 15000});
      });
    }
  }
  init();
})();
