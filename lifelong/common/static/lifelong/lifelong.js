// Lifelong's small behaviours. Everything works without JavaScript; this only adds comfort and
// safety. No inline handlers anywhere: the Content-Security-Policy forbids them.
(function () {
  "use strict";

  var WIDE = "(min-width: 48rem)";

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

  // --- Menus --------------------------------------------------------------------------------
  // <details data-open-wide> (preferences, the console menu) is folded on phones and open on
  // wide screens; CSS lays it out open already where the browser knows ::details-content.
  function setUpWideDetails() {
    var query = window.matchMedia(WIDE);
    function apply() {
      document.querySelectorAll("details[data-open-wide]").forEach(function (details) {
        details.open = query.matches;
      });
    }
    apply();
    if (query.addEventListener) {
      query.addEventListener("change", apply);
    }
  }

  // Open menus (the "More" sheet, preferences on phones) close with Escape, with a tap
  // elsewhere, and when another one opens; Escape puts the focus back on the menu's button.
  function setUpMenus() {
    function openMenus() {
      return Array.prototype.filter.call(document.querySelectorAll("details.ll-more[open], details.ll-prefs[open]"), function (menu) {
        return !(menu.hasAttribute("data-open-wide") && window.matchMedia(WIDE).matches);
      });
    }
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") {
        return;
      }
      openMenus().forEach(function (menu) {
        menu.open = false;
        var summary = menu.querySelector("summary");
        if (summary) {
          summary.focus();
        }
      });
    });
    document.addEventListener("click", function (event) {
      openMenus().forEach(function (menu) {
        if (!menu.contains(event.target)) {
          menu.open = false;
        }
      });
    });
    document.querySelectorAll("details.ll-more, details.ll-prefs").forEach(function (menu) {
      menu.addEventListener("toggle", function () {
        if (!menu.open) {
          return;
        }
        openMenus().forEach(function (other) {
          if (other !== menu) {
            other.open = false;
          }
        });
      });
    });
  }

  // While a text field has the focus on a phone, the on-screen keyboard takes the bottom of the
  // screen: the tab bar steps aside (CSS html.ll-typing) so it does not sit on the field.
  function setUpTypingState() {
    var typing = "input:not([type=checkbox]):not([type=radio]):not([type=submit]):not([type=button]):not([type=hidden]), textarea";
    document.addEventListener("focusin", function (event) {
      if (event.target.matches && event.target.matches(typing)) {
        document.documentElement.classList.add("ll-typing");
      }
    });
    document.addEventListener("focusout", function () {
      document.documentElement.classList.remove("ll-typing");
    });
  }

  // --- Confirmation before a risky action -----------------------------------------------------
  // <form data-confirm="Cancel your place?" data-confirm-yes="Yes, cancel"> asks in a real
  // <dialog> before it is sent. The safe answer has the focus, Escape keeps everything as it
  // was, and the focus returns to the button that asked. The listener runs in the capture
  // phase on the document, before htmx's own submit handler on the form, so htmx forms ask too.
  var confirmDialog = null;

  function dialogFromTemplate() {
    if (confirmDialog) {
      return confirmDialog;
    }
    var template = document.getElementById("ll-confirm-template");
    if (!template || typeof HTMLDialogElement !== "function") {
      return null;
    }
    confirmDialog = template.content.firstElementChild.cloneNode(true);
    document.body.appendChild(confirmDialog);
    return confirmDialog;
  }

  function askThenSubmit(form, submitter) {
    var dialog = dialogFromTemplate();
    var question = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (!dialog) {
      // No <dialog> support: the browser's own question is still better than none.
      return window.confirm(question);
    }
    var yes = dialog.querySelector("[data-confirm-yes]");
    var no = dialog.querySelector("[data-confirm-no]");
    var trigger = submitter || document.activeElement;
    dialog.querySelector("[data-confirm-question]").textContent = question;
    yes.textContent =
      (submitter && submitter.getAttribute("data-confirm-yes")) ||
      form.getAttribute("data-confirm-yes") ||
      yes.getAttribute("data-default-label");
    var answered = false;

    function finish(confirmed) {
      if (answered) {
        return;
      }
      answered = true;
      yes.removeEventListener("click", onYes);
      no.removeEventListener("click", onNo);
      dialog.removeEventListener("close", onClose);
      if (dialog.open) {
        dialog.close();
      }
      if (trigger && trigger.isConnected && typeof trigger.focus === "function") {
        trigger.focus(); // also tells htmx which button was pressed (its focusin listener)
      }
      if (confirmed) {
        form.llConfirmed = true;
        if (submitter && submitter.form === form) {
          form.requestSubmit(submitter);
        } else {
          form.requestSubmit();
        }
      }
    }
    function onYes() {
      finish(true);
    }
    function onNo() {
      finish(false);
    }
    function onClose() {
      finish(false); // Escape, or the dialog closed any other way: nothing happens
    }
    yes.addEventListener("click", onYes);
    no.addEventListener("click", onNo);
    dialog.addEventListener("close", onClose);
    dialog.showModal();
    no.focus();
    return false;
  }

  function setUpConfirm() {
    document.addEventListener(
      "submit",
      function (event) {
        var form = event.target;
        if (!(form instanceof HTMLFormElement)) {
          return;
        }
        var submitter = event.submitter || null;
        var asks = form.hasAttribute("data-confirm") || (submitter && submitter.hasAttribute("data-confirm"));
        if (!asks) {
          return;
        }
        if (form.llConfirmed) {
          form.llConfirmed = false; // this is the confirmed submission: let it through
          return;
        }
        event.preventDefault();
        event.stopImmediatePropagation();
        if (askThenSubmit(form, submitter) === true) {
          // Only the window.confirm fallback answers synchronously.
          form.llConfirmed = true;
          form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
        }
      },
      true
    );
  }

  // --- Focus after an action ------------------------------------------------------------------
  // After an htmx swap triggered by a click or a submit, the focus moves to what changed: the
  // element marked data-focus-result inside it, else the swapped element itself. Swaps from
  // typing (live search) or timers (polling) leave the focus where the person is.
  function focusResult(container) {
    if (!container || !container.isConnected) {
      return;
    }
    var result = container.matches("[data-focus-result]") ? container : container.querySelector("[data-focus-result]");
    var target = result || container;
    if (!target.hasAttribute("tabindex") && !target.matches("a[href], button, input, select, textarea, summary")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus({ preventScroll: false });
  }

  function setUpHtmxFocus() {
    document.addEventListener("htmx:afterSettle", function (event) {
      var detail = event.detail || {};
      var config = detail.requestConfig || {};
      var trigger = config.triggeringEvent;
      var type = trigger ? trigger.type : "";
      if (type !== "submit" && type !== "click") {
        return;
      }
      var target = detail.target;
      if (target && !target.isConnected && target.id) {
        target = document.getElementById(target.id); // an outerHTML swap replaced it
      }
      if (!target || !target.isConnected) {
        target = detail.elt && detail.elt.isConnected ? detail.elt : null;
      }
      focusResult(target);
    });
  }

  // After a form posts and redirects with a message ("Saved."), keyboard and screen-reader
  // users land on the message rather than at the top of the page.
  function focusMessages() {
    // A form sent back with errors: its summary first (it links to each field).
    var messages = document.querySelector(".ll-error-summary") || document.querySelector("[data-messages]");
    if (!messages || window.location.hash) {
      return;
    }
    var active = document.activeElement;
    if (active && active !== document.body && active !== document.documentElement) {
      return; // something (autofocus) already holds the focus on purpose
    }
    messages.focus();
  }

  // Scrollable regions take the keyboard: a table wrapper or a chart that scrolls sideways can
  // be reached with Tab and scrolled with the arrow keys (WCAG 2.1.1).
  function makeScrollRegionsFocusable(root) {
    var zh = (document.documentElement.lang || "").indexOf("zh") === 0;
    (root || document).querySelectorAll(".ll-table-wrap, .ll-chart").forEach(function (region) {
      if (!region.hasAttribute("tabindex")) {
        region.setAttribute("tabindex", "0");
      }
      if (!region.hasAttribute("role")) {
        region.setAttribute("role", "region");
      }
      if (!region.hasAttribute("aria-label") && !region.hasAttribute("aria-labelledby")) {
        var caption = region.querySelector("caption");
        var label = caption ? caption.textContent.trim() : "";
        region.setAttribute("aria-label", label || (region.classList.contains("ll-chart") ? (zh ? "图表" : "Chart") : zh ? "表格" : "Table"));
      }
    });
    // A bare table that scrolls on a narrow screen: focusable too.
    (root || document).querySelectorAll("main table").forEach(function (table) {
      if (!table.closest(".ll-table-wrap") && !table.hasAttribute("tabindex") && table.scrollWidth > table.clientWidth + 1) {
        table.setAttribute("tabindex", "0");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpReadAloud();
    setUpAutoSubmit();
    setUpPrint();
    setUpListFilter();
    setUpWideDetails();
    setUpMenus();
    setUpTypingState();
    setUpConfirm();
    setUpHtmxFocus();
    makeScrollRegionsFocusable(document);
    focusMessages();
  });
  document.addEventListener("htmx:load", function (event) {
    if (event.detail && event.detail.elt && event.detail.elt !== document.body) {
      makeScrollRegionsFocusable(event.detail.elt);
    }
  });
})();
