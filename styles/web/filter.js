// The catalogue's filter box: progressive enhancement, so without JavaScript the box stays
// hidden and every brochure is listed. Matches every typed word, ignoring case and accents.
(function () {
  "use strict";
  var box = document.querySelector(".filter");
  if (!box) { return; }
  var input = box.querySelector("input");
  var count = document.getElementById("count");
  var entries = Array.prototype.slice.call(document.querySelectorAll(".entry"));
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  var texts = entries.map(function (entry) { return fold(entry.textContent); });
  function update() {
    var words = fold(input.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    entries.forEach(function (entry, i) {
      var match = words.every(function (word) { return texts[i].indexOf(word) >= 0; });
      entry.hidden = !match;
      if (match) { shown += 1; }
    });
    count.textContent = count.getAttribute("data-template")
      .replace("{shown}", String(shown)).replace("{total}", String(entries.length));
  }
  box.hidden = false;
  input.addEventListener("input", update);
  update();
})();
