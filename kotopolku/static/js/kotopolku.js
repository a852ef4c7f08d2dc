/* Small progressive enhancements shared by every page: the phone menu and tables that scroll
   sideways with a visible cue. Without JavaScript the menu stays open and tables still scroll
   inside the page (kotopolku.css). */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");

  function setUpMenu() {
    var header = document.querySelector(".site-header");
    var button = header && header.querySelector(".menu-toggle");
    if (!button) return;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") === "true";
      button.setAttribute("aria-expanded", String(!open));
      header.classList.toggle("menu-open", !open);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && header.classList.contains("menu-open")) {
        button.setAttribute("aria-expanded", "false");
        header.classList.remove("menu-open");
        button.focus();
      }
    });
  }

  function tableLabel(table) {
    var caption = table.querySelector("caption");
    return (caption && caption.textContent.trim()) || document.body.dataset.tableLabel || "";
  }

  /* Every table in the content sits in a box that scrolls sideways; a box that really
     overflows says so (a hint and an edge shadow) and can be scrolled with the keyboard. */
  function wrapTables(scope) {
    var tables = (scope || document).querySelectorAll("main table");
    Array.prototype.forEach.call(tables, function (table) {
      if (table.parentElement && table.parentElement.classList.contains("table-scroll")) return;
      var box = document.createElement("div");
      box.className = "table-scroll";
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    });
    markOverflow();
  }

  function markOverflow() {
    var hint = document.body.dataset.scrollHint || "";
    Array.prototype.forEach.call(document.querySelectorAll(".table-scroll"), function (box) {
      var over = box.scrollWidth > box.clientWidth + 1;
      var table = box.querySelector("table");
      box.classList.toggle("is-scrollable", over);
      var note = box.previousElementSibling;
      var hasNote = note && note.classList.contains("scroll-hint");
      if (over) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", (tableLabel(table) + " – " + hint).replace(/^ – /, ""));
        if (!hasNote && hint) {
          note = document.createElement("p");
          note.className = "scroll-hint";
          note.setAttribute("aria-hidden", "true");
          note.textContent = "↔ " + hint;
          box.parentNode.insertBefore(note, box);
        }
      } else {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        if (hasNote) note.remove();
      }
    });
  }

  /* Repeatable rows (templates/includes/rows.html): "Add a row" copies the empty row and counts
     it in the formset's TOTAL_FORMS. Without JavaScript a save gives one more empty row. */
  function setUpRows() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-rows-add]"), function (button) {
      var prefix = button.getAttribute("data-rows-add");
      var list = document.querySelector('[data-rows-list="' + prefix + '"]');
      var template = document.querySelector('[data-rows-template="' + prefix + '"]');
      var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
      if (!list || !template || !total) return;
      button.hidden = false;
      var hint = button.parentNode.querySelector(".rows-hint");
      if (hint) hint.hidden = true;
      button.addEventListener("click", function () {
        var index = parseInt(total.value, 10) || 0;
        var html = template.innerHTML
          .replace(/__prefix__/g, String(index))
          .replace(/__number__/g, String(index + 1));
        list.insertAdjacentHTML("beforeend", html);
        total.value = String(index + 1);
        var first = list.lastElementChild.querySelector("input, select, textarea");
        if (first) first.focus();
      });
    });
  }

  function start() {
    setUpMenu();
    setUpRows();
    wrapTables(document);
    var pending;
    window.addEventListener("resize", function () {
      clearTimeout(pending);
      pending = setTimeout(markOverflow, 100);
    });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      wrapTables(event.target);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
