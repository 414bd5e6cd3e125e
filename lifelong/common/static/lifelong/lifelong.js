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

  document.addEventListener("DOMContentLoaded", setUpReadAloud);
})();
