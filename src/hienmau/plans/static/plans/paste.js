// A table pasted from Word or Excel arrives as HTML too (merged header cells, empty cells): keep that HTML
// in the hidden "html" field so the server reads the table as it was, not the flattened plain text.
(function () {
  "use strict";
  var text = document.querySelector("textarea[name=text]");
  var html = document.querySelector("input[name=html]");
  var notice = document.getElementById("pasted-html");
  var drop = document.getElementById("pasted-html-drop");
  if (!text || !html) return;
  var pasting = false;
  function show(on) {
    if (notice) notice.hidden = !on;
  }
  text.addEventListener("paste", function (event) {
    var data = event.clipboardData && event.clipboardData.getData("text/html");
    if (data && /<table/i.test(data)) {
      html.value = data;
      pasting = true;
      show(true);
    }
  });
  text.addEventListener("input", function () {
    if (pasting) {
      pasting = false;
      return;
    }
    // Edited by hand after the paste: the HTML no longer says what the box holds.
    html.value = "";
    show(false);
  });
  if (drop) {
    drop.addEventListener("click", function () {
      html.value = "";
      show(false);
    });
  }
  show(Boolean(html.value));
})();
