// Lifelong's small behaviours. Everything works without JavaScript; this only adds comfort.
(function () {
  "use strict";

  // Read-aloud (DESIGN §9): speak the page's main text through the browser's own voices.
  function setUpReadAloud() {
    var button = document.querySelector("[data-read-aloud]");
    if (!button || !("speechSynthesis" in window)) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var synth = window.speechSynthesis;
      if (synth.speaking) {
        synth.cancel();
        button.setAttribute("aria-pressed", "false");
        return;
      }
      var main = document.getElementById("main");
      var utterance = new SpeechSynthesisUtterance(main ? main.innerText : "");
      utterance.lang = document.documentElement.lang || "zh-Hans";
      utterance.rate = 0.9;
      utterance.onend = function () {
        button.setAttribute("aria-pressed", "false");
      };
      button.setAttribute("aria-pressed", "true");
      synth.speak(utterance);
    });
  }

  // A select marked data-autosubmit sends its form when changed (the button stays for no-JS).
  function setUpAutoSubmit() {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () {
        select.form.requestSubmit();
      });
    });
  }

  // Buttons marked data-print print the page (inline handlers are barred by the CSP).
  function setUpPrint() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  }

  // data-filter-list="#id" on a search box hides list items whose data-filter-text lacks it:
  // staff at the venue find a name among hundreds without a round trip.
  function setUpListFilter() {
    document.querySelectorAll("[data-filter-list]").forEach(function (input) {
      var list = document.querySelector(input.getAttribute("data-filter-list"));
      if (!list) {
        return;
      }
      input.addEventListener("input", function () {
        var needle = input.value.trim().toLowerCase();
        list.querySelectorAll("[data-filter-text]").forEach(function (item) {
          var text = item.getAttribute("data-filter-text").toLowerCase();
          item.hidden = needle !== "" && text.indexOf(needle) === -1;
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpReadAloud();
    setUpAutoSubmit();
    setUpPrint();
    setUpListFilter();
  });
})();
