/* kb editor — "similar articles already exist". As a new article's (or a new translation's)
   title, description and body are typed (debounced), they are posted to the editor's similar
   view, which answers the panel's list rendered on the server (titles escaped there, links to
   each article in a new tab); the list replaces the panel's and the panel is shown. A slower,
   older answer never replaces a newer one. Without JavaScript the "Find similar articles"
   button opens the same list in a new tab. */
(function () {
  "use strict";
  var DELAY = 600;
  var MIN_CHARS = 4;  // fewer typed characters say too little to compare
  var MAX_BODY_CHARS = 20000;  // the view reads no more (search.similar.MAX_BODY_CHARS)

  function enhance(panel) {
    var form = panel.closest("form");
    var found = panel.querySelector(".similar-found");
    if (!form || !found || !window.fetch) return;
    var field = function (name) { return form.querySelector("[name=" + name + "]"); };
    var title = field("title"), description = field("description"), body = field("body");
    var timer = null, sent = 0, last = null;

    function value(input, limit) {
      return input ? input.value.slice(0, limit || input.value.length) : "";
    }

    function refresh() {
      var typed = (value(title) + " " + value(description)).trim();
      if (typed.length < MIN_CHARS) {
        ++sent;
        panel.hidden = true;
        return;
      }
      var data = new FormData();
      data.append("title", value(title));
      data.append("description", value(description));
      data.append("body", value(body, MAX_BODY_CHARS));
      var language = field("language");
      data.append("language", language ? language.value : form.dataset.language || "");
      data.append("fragment", "1");
      var key = [data.get("title"), data.get("description"), data.get("body"), data.get("language")].join("\u0000");
      if (key === last) return;
      last = key;
      var token = field("csrfmiddlewaretoken");
      var ticket = ++sent;
      fetch(panel.dataset.similarUrl, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-CSRFToken": token ? token.value : "" }
      }).then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      }).then(function (html) {
        if (ticket !== sent) return;
        found.innerHTML = html;
        panel.hidden = false;
      }).catch(function () { last = null; /* offline: the button still works */ });
    }

    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(refresh, DELAY);
    }

    [title, description, body, field("language")].forEach(function (input) {
      if (input) input.addEventListener(input.tagName === "SELECT" ? "change" : "input", schedule);
    });
    refresh();  // a page that comes back with a draft (an error, a preview) shows its list at once
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".similar-panel[data-similar-url]").forEach(enhance);
  });
})();
