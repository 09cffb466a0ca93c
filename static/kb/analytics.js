/* Search analytics: when a reader opens a result of a logged search, tell the server which one
   (its rank and article) with navigator.sendBeacon, which never delays the navigation. The
   results list carries data-query (the search's query: the page is the same for every reader
   of it, and may come from a cache) and data-open (the endpoint); the server marks the latest
   logged search of that query. One click is reported per page view, as each view logged one
   search. Result links stay plain links to the article, so without this script everything
   works and only the click goes unrecorded. */
(function () {
  "use strict";

  var list = document.querySelector("ol.results[data-query][data-open]");
  if (!list || !navigator.sendBeacon) return;
  var reported = false;

  function report(event) {
    var link = event.target.closest ? event.target.closest("a.result-title") : null;
    if (reported || !link || !list.contains(link)) return;
    if (event.type === "auxclick" && event.button !== 1) return;
    var rank = Array.prototype.indexOf.call(list.children, link.closest("li")) + 1;
    reported = navigator.sendBeacon(list.getAttribute("data-open") +
      "?q=" + encodeURIComponent(list.getAttribute("data-query")) +
      "&r=" + rank + "&to=" + encodeURIComponent(link.getAttribute("href")));
  }

  list.addEventListener("click", report);
  list.addEventListener("auxclick", report);
})();
