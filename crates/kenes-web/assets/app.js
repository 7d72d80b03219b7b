// kenes live updates: poll the state version; when ops arrive (from sync
// or another tab), reload the page, unless the person is filling in a
// form, in which case say so and let them choose.
(function () {
  "use strict";
  var shown = document.body.getAttribute("data-version");
  var editing = false;
  document.addEventListener("input", function () { editing = true; });
  function check() {
    fetch("/api/version", { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) {
        if (!d || d.version === shown) { return; }
        if (editing) {
          var live = document.getElementById("live");
          if (live) { live.hidden = false; }
        } else {
          window.location.reload();
        }
      })
      .catch(function () {});
  }
  setInterval(check, 3000);

  // Texts are bounded in UTF-8 bytes, as the op bounds them (a Cyrillic
  // letter takes two): say so as the person types, before the server has
  // to refuse it.
  var encoder = window.TextEncoder ? new TextEncoder() : null;
  document.addEventListener("input", function (event) {
    var field = event.target;
    var max = field && field.getAttribute && field.getAttribute("data-maxbytes");
    if (!max || !encoder) { return; }
    var over = encoder.encode(field.value).length > Number(max);
    field.setCustomValidity(over ? field.getAttribute("data-over") || "too long" : "");
    var hint = document.getElementById(field.id + "-hint");
    if (hint) { hint.classList.toggle("over", over); }
  });
})();
