// lawtrace's few behaviours, from a static file (the Content-Security-Policy allows no inline script).
(function () {
  "use strict";

  // A record form: a service mode's own fields are shown for that mode only (all are shown without scripts).
  function serviceModes() {
    const mode = document.getElementById("id_mode");
    if (!mode) return;
    const fields = document.querySelectorAll("[data-mode]");
    function show() {
      fields.forEach(function (el) {
        const wrapper = el.closest(".mb-3");
        if (wrapper) wrapper.hidden = !el.dataset.mode.split(" ").includes(mode.value);
      });
    }
    mode.addEventListener("change", show);
    show();
  }

  // <button data-print>: print the page (the case file's table of contents).
  function printButtons() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  // <form data-go-to="select-name">: go to the address chosen in the select (the case page's "make a record").
  function goToForms() {
    document.querySelectorAll("form[data-go-to]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        window.location.href = form.elements[form.dataset.goTo].value;
      });
    });
  }

  // A progress bar's width from data-progress (no style attribute in the markup).
  function progressBars() {
    document.querySelectorAll("[data-progress]").forEach(function (bar) {
      bar.style.width = bar.dataset.progress + "%";
    });
  }

  function ready() {
    serviceModes();
    printButtons();
    goToForms();
    progressBars();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
