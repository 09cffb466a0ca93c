/* kb — the only script: the interface language menu opens its choice at once when picked with
   a pointer. From the keyboard, arrow keys only move the choice (the menu must not navigate on
   ArrowDown); Enter or the "Go" button opens it. Without JavaScript the form and button work. */
(function () {
  "use strict";

  function enhance(form) {
    var select = form.querySelector("select");
    var fromKeyboard = false;
    if (!select) return;
    select.addEventListener("keydown", function (event) {
      fromKeyboard = true;
      if (event.key === "Enter") {
        event.preventDefault();
        form.submit();
      }
    });
    select.addEventListener("pointerdown", function () { fromKeyboard = false; });
    select.addEventListener("change", function () {
      if (!fromKeyboard) form.submit();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.language-form").forEach(enhance);
  });
})();
