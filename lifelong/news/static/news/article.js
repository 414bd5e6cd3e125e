// An article page's reading comfort (DESIGN §9): a text-size switch remembered on this device,
// reading the article aloud with the browser's own voices, and a Close link that closes a
// window opened for the article. Without JavaScript the page still reads and prints: these
// buttons stay hidden and Close is a plain link to the news list.
(function () {
  "use strict";

  var SIZE_KEY = "lifelong.news.textSize";
  var SIZES = ["small", "normal", "large"];
  // Chromium stops a long utterance after a while; short pieces read to the end.
  var PIECE_CHARS = 160;

  function remembered() {
    try {
      return window.localStorage.getItem(SIZE_KEY);
    } catch (error) {
      return null; // storage refused (private mode): the default size
    }
  }

  function remember(size) {
    try {
      window.localStorage.setItem(SIZE_KEY, size);
    } catch (error) {
      // not remembered on this device; the switch still works on this page
    }
  }

  function setUpTextSize() {
    var group = document.querySelector("[data-font-size-switch]");
    var text = document.querySelector("[data-article-text]");
    if (!group || !text) {
      return;
    }
    var buttons = Array.prototype.slice.call(group.querySelectorAll("[data-font-size]"));

    function apply(size) {
      SIZES.forEach(function (each) {
        text.classList.toggle("text-size-" + each, each === size);
      });
      buttons.forEach(function (button) {
        button.setAttribute("aria-pressed", button.getAttribute("data-font-size") === size ? "true" : "false");
      });
    }

    var saved = remembered();
    apply(SIZES.indexOf(saved) >= 0 ? saved : "normal");
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        var size = button.getAttribute("data-font-size");
        apply(size);
        remember(size);
      });
    });
    group.hidden = false;
  }

  // The words to speak, in pieces that end at a sentence where possible.
  function pieces(words) {
    var result = [];
    words.split(/\n+/).forEach(function (line) {
      line = line.trim();
      while (line.length > PIECE_CHARS) {
        var head = line.slice(0, PIECE_CHARS);
        var cut = Math.max(
          head.lastIndexOf("。"),
          head.lastIndexOf("！"),
          head.lastIndexOf("？"),
          head.lastIndexOf("；"),
          head.lastIndexOf("，"),
          head.lastIndexOf(". "),
          head.lastIndexOf(", ")
        );
        cut = cut > 20 ? cut + 1 : PIECE_CHARS;
        result.push(line.slice(0, cut));
        line = line.slice(cut).trim();
      }
      if (line) {
        result.push(line);
      }
    });
    return result;
  }

  function setUpReadAloud() {
    var speak = document.querySelector("[data-article-speak]");
    var stop = document.querySelector("[data-article-stop]");
    if (!speak || !("speechSynthesis" in window) || typeof window.SpeechSynthesisUtterance !== "function") {
      return; // no voices in this browser: the buttons stay hidden
    }
    var synth = window.speechSynthesis;
    var reading = 0; // which reading is current; a cancelled one's late events are ignored

    function finished() {
      speak.setAttribute("aria-pressed", "false");
      if (stop) {
        stop.hidden = true;
      }
    }

    speak.hidden = false;
    speak.addEventListener("click", function () {
      synth.cancel();
      reading += 1;
      var current = reading;
      var title = document.querySelector("[data-article-title]");
      var text = document.querySelector("[data-article-text]");
      var parts = pieces((title ? title.innerText : "") + "\n" + (text ? text.innerText : ""));
      if (!parts.length) {
        return;
      }
      speak.setAttribute("aria-pressed", "true");
      if (stop) {
        stop.hidden = false;
      }
      parts.forEach(function (part, index) {
        var utterance = new window.SpeechSynthesisUtterance(part);
        utterance.lang = speak.getAttribute("data-lang") || "zh-CN";
        utterance.rate = 0.9;
        if (index === parts.length - 1) {
          utterance.onend = function () {
            if (current === reading) {
              finished();
            }
          };
        }
        utterance.onerror = function () {
          if (current === reading) {
            finished();
          }
        };
        synth.speak(utterance);
      });
    });
    if (stop) {
      stop.addEventListener("click", function () {
        reading += 1;
        synth.cancel();
        finished();
        speak.focus();
      });
    }
    window.addEventListener("pagehide", function () {
      synth.cancel();
    });
  }

  // Close: a window opened for the article closes; a browser refuses to close a tab the
  // reader opened, and then the link goes where it says (the news list).
  function setUpClose() {
    document.querySelectorAll("[data-close-window]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        if (!window.opener && window.history.length > 1) {
          return;
        }
        event.preventDefault();
        window.close();
        window.setTimeout(function () {
          window.location.href = link.href;
        }, 200);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpTextSize();
    setUpReadAloud();
    setUpClose();
  });
})();
