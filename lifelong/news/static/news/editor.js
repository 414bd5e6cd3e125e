// The article editor: Trix for the bodies, and pictures uploaded as they are added.
// Without JavaScript the bodies stay plain text areas; the server cleans whatever arrives.
// It runs before Trix (both deferred, in order) so that the editors exist when Trix defines
// them. The upload address and the messages come from the form's data-* attributes.
(function () {
  "use strict";

  var IMAGE_TYPES = ["image/png", "image/jpeg"];
  var MAX_BYTES = 5 * 1024 * 1024;

  function message(editor, name) {
    var form = formOf(editor);
    return (form && form.getAttribute("data-msg-" + name)) || "";
  }

  // Each body textarea becomes a hidden input (same name, id and value) edited by Trix.
  function enhance(textarea) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = textarea.name;
    input.id = textarea.id;
    input.value = textarea.value;
    var editor = document.createElement("trix-editor");
    editor.setAttribute("input", textarea.id);
    editor.originalValue = textarea.value;
    editor.classList.add("trix-content");
    var label = document.querySelector('label[for="' + textarea.id + '"]');
    if (label) {
      label.id = label.id || textarea.id + "-label";
      editor.setAttribute("aria-labelledby", label.id);
    }
    var error = document.createElement("p");
    error.className = "form-errors";
    error.setAttribute("role", "alert");
    error.hidden = true;
    error.setAttribute("data-upload-error", "");
    textarea.replaceWith(input, editor, error);
  }

  function showError(editor, text) {
    var error = editor.parentNode.querySelector("[data-upload-error]");
    if (error) {
      error.textContent = text;
      error.hidden = !text;
    }
  }

  function formOf(editor) {
    return editor.closest("form");
  }

  function upload(editor, attachment) {
    var form = formOf(editor);
    var region = form && form.querySelector('[name="region"]');
    var token = form && form.querySelector('[name="csrfmiddlewaretoken"]');
    if (!region || !region.value) {
      attachment.remove();
      showError(editor, message(editor, "region"));
      return;
    }
    var body = new FormData();
    body.append("file", attachment.file);
    body.append("region", region.value);
    attachment.setUploadProgress(10);
    fetch(form.getAttribute("data-upload-url"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "", Accept: "application/json" },
    })
      .then(function (response) {
        return response
          .json()
          .catch(function () {
            return {};
          })
          .then(function (data) {
            if (!response.ok || !data.url) {
              throw new Error(data.detail || message(editor, "failed"));
            }
            return data;
          });
      })
      .then(function (data) {
        attachment.setUploadProgress(100);
        attachment.setAttributes({ url: data.url, href: data.url });
        showError(editor, "");
      })
      .catch(function (problem) {
        attachment.remove();
        showError(editor, (problem && problem.message) || message(editor, "failed"));
      });
  }

  document.querySelectorAll("form[data-article-form] textarea[data-richtext]").forEach(enhance);

  // Before the first editor starts (Trix is loaded by then): the toolbar in the page's
  // language, and pictures without Trix's default caption (file name and size), which
  // readers would otherwise see under every photo.
  var configured = false;
  document.addEventListener("trix-before-initialize", function () {
    if (configured || !window.Trix) {
      return;
    }
    configured = true;
    var words = document.getElementById("trix-lang");
    if (words) {
      Object.assign(window.Trix.config.lang, JSON.parse(words.textContent));
    }
    window.Trix.config.attachments.preview.caption = { name: false, size: false };
  });

  // Refused here already (the server checks the bytes again): other types, and big files.
  document.addEventListener("trix-file-accept", function (event) {
    var file = event.file;
    if (IMAGE_TYPES.indexOf(file.type) === -1) {
      event.preventDefault();
      showError(event.target, message(event.target, "type"));
    } else if (file.size > MAX_BYTES) {
      event.preventDefault();
      showError(event.target, message(event.target, "size"));
    }
  });

  // An untouched body goes back exactly as it came. Trix rewrites the HTML it loads (its
  // paragraphs become divs), and the server would take that for a change of the words: a
  // revision for nothing, and the one who saved it counted as the last to change the text,
  // who may then not publish it.
  document.addEventListener("trix-initialize", function (event) {
    event.target.loadedDocument = event.target.editor.getDocument();
  });
  document.querySelectorAll("form[data-article-form]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("trix-editor").forEach(function (editor) {
        var input = document.getElementById(editor.getAttribute("input"));
        var loaded = editor.loadedDocument;
        if (input && loaded && editor.editor && editor.editor.getDocument().isEqualTo(loaded)) {
          input.value = editor.originalValue;
        }
      });
    });
  });

  document.addEventListener("trix-attachment-add", function (event) {
    if (event.attachment.file) {
      upload(event.target, event.attachment);
    }
  });
})();
