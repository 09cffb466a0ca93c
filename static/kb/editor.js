/* kb editor — the live preview, and a question before changes not saved are left. As the body is typed (debounced), the form's body and language
   are posted to the editor's preview view, which renders them exactly as the article page does
   (sanitized on the server); the fragment replaces #preview. Without JavaScript the Preview
   button submits the form and the page comes back with the preview filled. */
(function () {
  "use strict";
  var DELAY = 400;

  function enhance(form) {
    var body = form.querySelector("textarea[name=body]");
    var target = document.getElementById("preview");
    var timer = null, sent = 0;
    if (!body || !target) return;

    function language() {
      var select = form.querySelector("select[name=language]");
      return select ? select.value : form.dataset.language;
    }

    function refresh() {
      var data = new FormData();
      var token = form.querySelector("input[name=csrfmiddlewaretoken]");
      var ticket = ++sent;
      data.append("body", body.value);
      data.append("language", language());
      fetch(form.dataset.previewUrl, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-CSRFToken": token ? token.value : "" }
      }).then(function (response) {
        return response.text();
      }).then(function (html) {
        if (ticket === sent) target.innerHTML = html;  // a slower, older answer never wins
      }).catch(function () { /* offline: the Preview button still works */ });
    }

    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(refresh, DELAY);
    }

    body.addEventListener("input", schedule);
    var select = form.querySelector("select[name=language]");
    if (select) select.addEventListener("change", schedule);
  }

  /* Leaving a page whose editor form holds changes not yet saved (a link, the language menu,
     closing the tab) asks first, with the browser's own question; saving it does not. A form
     the server sent back (a refused save, a conflict, a preview) holds them from the start:
     data-unsaved. */
  function guard(form) {
    var changed = form.dataset.unsaved === "1";
    function mark() { changed = true; }
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
    form.addEventListener("submit", function () { changed = false; });
    window.addEventListener("beforeunload", function (event) {
      if (!changed) return;
      event.preventDefault();
      event.returnValue = "";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.editor-form[data-preview-url]").forEach(enhance);
    document.querySelectorAll("form.editor-form").forEach(guard);
  });
})();
