// The job page: when a document the user asked for is ready, start its download once.
(function () {
  function autostart() {
    var link = document.querySelector("a[data-autostart]");
    if (!link) return;
    var key = "kotopolku-job-downloaded-" + link.getAttribute("data-autostart");
    try {
      if (window.sessionStorage.getItem(key)) return;
      window.sessionStorage.setItem(key, "1");
    } catch (e) { /* private mode: download anyway, once per page */ }
    link.removeAttribute("data-autostart");
    link.click();
    if (window.history.replaceState) {
      window.history.replaceState(null, "", window.location.pathname);
    }
  }
  document.addEventListener("DOMContentLoaded", autostart);
  document.addEventListener("htmx:afterSettle", autostart);
})();
