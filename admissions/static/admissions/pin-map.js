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
  const wards = L.geoJSON(null, {style: {color: "#50627a", weight: 1, fillColor: "#e9eef2", fillOpacity: 0.9}}).addTo(map);
  let marker = null;
  const latInput = $("id_lat"), lonInput = $("id_lon");

  function place(lat, lon) {
    if (marker) marker.setLatLng([lat, lon]); else marker = L.marker([lat, lon]).addTo(map);
  }

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
        `<li data-school="${r.id}">${esc(r.name)} — ${(r.distance_m / 1000).toFixed(2)} ${T.km} · ${esc(r.why)}</li>`).join("");
      out.innerHTML = `<p><strong>${esc(T.considered)}</strong></p><ol id="considered-list">${considered}</ol>` +
        (body.warning ? `<p class="note" id="suggestion-warning">${esc(body.warning)}</p>` : "");
      return;
    }
    const items = body.results.map((r) =>
      `<li data-school="${r.id}">${esc(r.name)} — ${(r.distance_m / 1000).toFixed(2)} ${T.km} · ${r.seats} ${esc(T.seats)}` +
      `${r.last_cutoff_m ? " · " + esc(T.cutoff) + " " + (r.last_cutoff_m / 1000).toFixed(2) + " km" : ""}` +
      `${r.in_catchment ? " · <em>" + esc(T.catchment) + "</em>" : ""}</li>`).join("");
    out.innerHTML = `<p><strong>${esc(T.proposed)}</strong></p><ol id="suggestion-list">${items}</ol>` +
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
    el.dataset.ready = "1";
  }

  if (!readonly) {
    map.on("click", (e) => {
      const lat = e.latlng.lat.toFixed(6), lon = e.latlng.lng.toFixed(6);
      latInput.value = lat; lonInput.value = lon;
      place(lat, lon);
      suggest(lat, lon);
    });
    const typed = $("id_ward_code");
    if (typed) typed.addEventListener("change", () => { if (latInput.value) suggest(latInput.value, lonInput.value); });
  }
  init();
})();
