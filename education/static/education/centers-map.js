/* Experience centers: a small tile map above the list, only when a tile source is set.
   The list stays the real content; if tiles fail to load the map simply stays hidden. */
(function () {
  "use strict";
  var box = document.getElementById("center-map");
  if (!box || !box.dataset.tiles) { return; }
  var items = Array.prototype.slice.call(document.querySelectorAll(".center[data-lat]"));
  if (!items.length) { return; }
  var ZOOM = 11, TILE = 256;
  function project(lat, lng) {
    var scale = TILE * Math.pow(2, ZOOM), rad = lat * Math.PI / 180;
    return {
      x: (lng + 180) / 360 * scale,
      y: (1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2 * scale
    };
  }
  var points = items.map(function (item) {
    var p = project(parseFloat(item.dataset.lat), parseFloat(item.dataset.lng));
    p.item = item;
    return p;
  });
  var cx = points.reduce(function (s, p) { return s + p.x; }, 0) / points.length;
  var cy = points.reduce(function (s, p) { return s + p.y; }, 0) / points.length;
  box.hidden = false;
  var width = box.clientWidth, height = box.clientHeight;
  var left = cx - width / 2, top = cy - height / 2;
  var failed = 0, total = 0;
  for (var tx = Math.floor(left / TILE); tx <= Math.floor((left + width) / TILE); tx++) {
    for (var ty = Math.floor(top / TILE); ty <= Math.floor((top + height) / TILE); ty++) {
      var img = document.createElement("img");
      img.alt = "";
      img.className = "map-tile";
      img.style.left = (tx * TILE - left) + "px";
      img.style.top = (ty * TILE - top) + "px";
      img.onerror = function () { failed++; if (failed === total) { box.hidden = true; } };
      img.src = box.dataset.tiles.replace("{z}", ZOOM).replace("{x}", tx).replace("{y}", ty);
      total++;
      box.appendChild(img);
    }
  }
  points.forEach(function (p) {
    var link = p.item.querySelector("a");
    var pin = document.createElement("a");
    pin.href = link.href;
    pin.className = "map-pin";
    pin.title = p.item.dataset.title;
    pin.textContent = "●";
    pin.setAttribute("aria-label", p.item.dataset.title);
    pin.style.left = (p.x - left) + "px";
    pin.style.top = (p.y - top) + "px";
    box.appendChild(pin);
  });
}());
