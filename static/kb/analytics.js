/* Search analytics: when a reader opens a result of a logged search, tell the server which one
   (its rank and article) with navigator.sendBeacon, which never delays the navigation. The
   results list carries data-search (the search's random key, nothing about the reader) and
   data-open (the endpoint); result links stay plain links to the article, so without this
   script everything works and only the click goes unrecorded. */
(function () {
  "use strict";

  var list = document.querySelector("ol.results[data-search][data-open]");
  if (!list || !navigator.sendBeacon) return;

  function report(event) {
    var link = event.target.closest ? event.target.closest("a.result-title") : null;
    if (!link || !list.contains(link)) return;
    if (event.type === "auxclick" && event.button !== 1) return;
    var rank = Array.prototype.indexOf.call(list.children, link.closest("li")) + 1;
    navigator.sendBeacon(list.getAttribute("data-open") +
      "?s=" + encodeURIComponent(list.getAttribute("data-search")) +
      "&r=" + rank + "&to=" + encodeURIComponent(link.getAttribute("href")));
  }

  list.addEventListener("click", report);
  list.addEventListener("auxclick", report);
})();
