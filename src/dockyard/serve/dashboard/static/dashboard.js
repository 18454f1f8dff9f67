// dockyard dashboard: live updates over server-sent events. The pages read fine without it.
"use strict";
(function () {
  function refresh() {
    fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("live");
        var here = document.getElementById("live");
        if (fresh && here) { here.replaceChildren.apply(here, Array.from(fresh.childNodes)); }
        document.body.dataset.refreshed = String(Date.now());
      })
      .catch(function () { /* the next change tries again */ });
  }

  function followPage(key) {
    var url = "/ui/events" + (key ? "?app=" + encodeURIComponent(key) : "");
    var source = new EventSource(url);
    source.addEventListener("changed", refresh);
  }

  function followLog(pre) {
    var source = new EventSource(pre.dataset.stream);
    source.onmessage = function (event) {
      var line = document.createElement("span");
      line.textContent = event.data;
      pre.appendChild(line);
      pre.scrollTop = pre.scrollHeight;
    };
    source.addEventListener("end", function (event) {
      source.close();
      document.body.dataset.logEnded = event.data;
      refresh();  // the finished build's state, times, policy verdict and whole log
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var key = document.body.dataset.live;
    if (key !== undefined) { followPage(key); }
    var pre = document.getElementById("log");
    if (pre && pre.dataset.stream) { followLog(pre); }
  });
})();
