/* kb — the only script, loaded with defer; every page works without it.
   1. The language switcher opens its choice at once when picked with a pointer. From the keyboard,
      arrow keys only move the choice (the menu must not navigate on ArrowDown); Enter or the "Go"
      button opens it.
   2. Search-as-you-type: error codes (each with the title of the article that best explains it)
      and titles from /api/suggest under the search box, as an
      ARIA 1.2 combobox (ArrowDown/ArrowUp move, Enter opens the chosen one, Escape closes).
   3. Search facets and a documentation page's navigation start open on wide screens and folded
      on phones.
   4. A code block or table wider than its box (it scrolls inside it) joins the tab order, so it
      can be scrolled from the keyboard.
   5. Documentation tab sets (div.tabs > div.tab-panel > p.tab-title) become an ARIA tab list:
      one panel shown, ArrowLeft/ArrowRight/Home/End move between tabs. Without the script every
      panel shows under its title.
   6. A search too long for an address (a pasted log) is sent to log triage as a form post. */
(function () {
  "use strict";

  function enhanceLanguageForm(form) {
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

  // A search longer than this (URL-encoded) goes to log triage instead: a pasted log makes an
  // address longer than servers and proxies take (gunicorn's request line: at most 8,190 bytes).
  var LONGEST_URL_QUERY = 3000;
  var LONGEST_SUGGESTED = 200;  // characters: suggestions are for what is typed, not pasted
  // Where a log line or a stack frame starts (a date and a time to the second, "at a.b.C(",
  // "Caused by:"): the one-line box joined the pasted lines, and triage explains a paste line by
  // line. A time quoted inside a line splits it too: triage then reads two lines, no text lost.
  var LINE_START = /\s+(?=\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}:\d{2}|\d{2}\.\d{2}\.\d{4} \d{1,2}:\d{2}:\d{2}|at [\w$.\/]+\(|Caused by: )/g;

  // The start of a text that fits in an address, cut at a space.
  function fitting(text) {
    var cut = text;
    while (encodeURIComponent(cut).length > LONGEST_URL_QUERY) cut = cut.slice(0, Math.floor(cut.length * 0.8));
    var space = cut.lastIndexOf(" ");
    return space > cut.length / 2 ? cut.slice(0, space) : cut;
  }

  // The search box's text, when too long for an address, POSTed to the triage page with the
  // CSRF token of a triage form fetched for it (a cached reader's page holds no token). When the
  // fetch fails, the start of the text that fits is searched instead; without the script a
  // search that long is refused (414).
  function sendLongSearchesToTriage(form) {
    var input = form.querySelector("input[name=q]");
    var triage = form.getAttribute("data-triage");
    if (!input || !triage || !window.fetch || !window.DOMParser) return;
    var latest = 0;
    form.addEventListener("submit", function (event) {
      var text = input.value;
      if (encodeURIComponent(text).length <= LONGEST_URL_QUERY) return;
      event.preventDefault();
      var ticket = ++latest;  // a second submit while the first waits: only the last is sent
      fetch(triage, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.text();
        })
        .then(function (html) {
          if (ticket !== latest) return;
          var token = new DOMParser().parseFromString(html, "text/html")
            .querySelector("input[name=csrfmiddlewaretoken]");
          if (!token) throw new Error("no token");
          var post = document.createElement("form");
          post.method = "post";
          post.action = triage;
          post.hidden = true;
          [["csrfmiddlewaretoken", token.value], ["text", text.replace(LINE_START, "\n")]].forEach(function (pair) {
            var field = document.createElement("textarea");
            field.name = pair[0];
            field.value = pair[1];
            post.appendChild(field);
          });
          document.body.appendChild(post);
          post.submit();
        })
        .catch(function () {
          if (ticket !== latest) return;
          input.value = fitting(text);
          form.submit();
        });
    });
  }

  function enhanceSearchForm(form) {
    var input = form.querySelector("input[name=q]");
    var endpoint = form.getAttribute("data-suggest");
    if (!input || !endpoint || !window.fetch) return;
    var list = document.createElement("ul");
    var items = [];
    var active = -1;
    var timer = null;
    var latest = 0;
    list.id = input.id + "-suggestions";
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.getAttribute("placeholder") || "");
    list.hidden = true;
    form.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function choose(index) {
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0) input.setAttribute("aria-activedescendant", items[index].id);
      else input.removeAttribute("aria-activedescendant");
    }

    function show(suggestions) {
      list.textContent = "";
      items = suggestions.map(function (suggestion, i) {
        var item = document.createElement("li");
        item.id = list.id + "-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.className = "suggestion-" + suggestion.kind;
        item.textContent = suggestion.label;
        if (suggestion.title) {  // a code: the article that best explains it
          var title = document.createElement("span");
          title.className = "suggestion-title";
          title.textContent = suggestion.title;
          item.appendChild(document.createTextNode(" "));
          item.appendChild(title);
        }
        item.setAttribute("data-url", suggestion.url);
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();  // keep the focus in the box until the page changes
          window.location.assign(suggestion.url);
        });
        list.appendChild(item);
        return item;
      });
      active = -1;
      list.hidden = items.length === 0;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
    }

    function fetchSuggestions() {
      var text = input.value.trim();
      var ticket = ++latest;
      if (text.length < 2 || text.length > LONGEST_SUGGESTED) { show([]); return; }
      var url = endpoint + "?lang=" + encodeURIComponent(form.getAttribute("data-lang")) +
        "&q=" + encodeURIComponent(text);
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (body) { if (ticket === latest) show(body.suggestions || []); })
        .catch(function () { if (ticket === latest) show([]); });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (list.hidden || !items.length) return;
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        var next = active + step;
        if (next >= items.length) next = -1;
        if (next < -1) next = items.length - 1;
        choose(next);
      } else if (event.key === "Enter" && active >= 0 && !list.hidden) {
        event.preventDefault();
        window.location.assign(items[active].getAttribute("data-url"));
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  function openFacetsOnWideScreens() {
    // data-open-wide="72.01rem": the width from which the fold sits beside the page (48.01rem when empty).
    document.querySelectorAll("details[data-open-wide]").forEach(function (details) {
      var from = details.getAttribute("data-open-wide") || "48.01rem";
      details.open = window.matchMedia("(min-width: " + from + ")").matches;
    });
  }

  function makeScrollersFocusable() {
    document.querySelectorAll(".article-body pre, .article-body table").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
      }
    });
  }

  function enhanceTabs(set) {
    var panels = Array.prototype.filter.call(set.children, function (child) {
      return child.classList.contains("tab-panel") && child.id;
    });
    if (panels.length === 0) return;
    var list = document.createElement("div");
    list.className = "tab-list";
    list.setAttribute("role", "tablist");
    var tabs = panels.map(function (panel) {
      var title = panel.querySelector(":scope > .tab-title");
      var tab = document.createElement("button");
      tab.type = "button";
      tab.id = panel.id + "-tab";
      tab.className = "tab";
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", panel.id);
      tab.textContent = title ? title.textContent : String(panels.indexOf(panel) + 1);
      if (title) title.hidden = true;
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", tab.id);
      panel.tabIndex = 0;
      list.appendChild(tab);
      return tab;
    });
    function select(index, focus) {
      tabs.forEach(function (tab, i) {
        var chosen = i === index;
        tab.setAttribute("aria-selected", chosen ? "true" : "false");
        tab.tabIndex = chosen ? 0 : -1;
        panels[i].hidden = !chosen;
      });
      if (focus) tabs[index].focus();
    }
    tabs.forEach(function (tab, i) {
      tab.addEventListener("click", function () { select(i, false); });
      tab.addEventListener("keydown", function (event) {
        var next = {ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1}[event.key];
        if (next === undefined) return;
        event.preventDefault();
        select((next + tabs.length) % tabs.length, true);
      });
    });
    set.insertBefore(list, set.firstChild);
    set.classList.add("tabs-enhanced");
    select(0, false);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".tabs").forEach(enhanceTabs);
    makeScrollersFocusable();
    document.querySelectorAll("form.language-form").forEach(enhanceLanguageForm);
    document.querySelectorAll("form.search-form[data-suggest]").forEach(enhanceSearchForm);
    document.querySelectorAll("form.search-form[data-triage]").forEach(sendLongSearchesToTriage);
    openFacetsOnWideScreens();
  });
})();
