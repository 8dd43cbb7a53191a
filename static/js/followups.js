/* The follow-up loop: My follow-ups' row forms (log a contact, reschedule, snooze) post with
   fetch and update the row, the counts and the navigation in place, with no page load; a
   WhatsApp link logs a follow-up as it opens. Without this file every form posts normally. */
(function () {
  "use strict";

  function $$(selector, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(selector));
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function post(url, data, keepalive) {
    return fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      keepalive: !!keepalive,
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
    }).then(function (response) {
      return response.json().then(function (body) {
        return { ok: response.ok, body: body };
      });
    });
  }

  /* The counts beside "My follow-ups" in the navigation and at the top of the page. */
  function updateCounts(counts) {
    if (!counts) return;
    Object.keys(counts).forEach(function (key) {
      $$('[data-nav-count="' + key + '"]').forEach(function (node) {
        node.firstChild.nodeValue = String(counts[key]);
        node.hidden = !counts[key];
      });
      $$('[data-count="' + key + '"]').forEach(function (node) {
        node.textContent = String(counts[key]);
      });
    });
  }

  function clearErrors(form) {
    $$("[data-error-for]", form).forEach(function (node) {
      node.textContent = "";
      node.hidden = true;
    });
    $$("[aria-invalid]", form).forEach(function (node) {
      node.removeAttribute("aria-invalid");
    });
  }

  /* Each coded error next to its field ("90030 · followedUpOn cannot be in the future"). */
  function showErrors(form, errors) {
    clearErrors(form);
    var first = null;
    (errors || []).forEach(function (error) {
      var slot = form.querySelector('[data-error-for="' + (error.field || "") + '"]') || form.querySelector('[data-error-for=""]');
      if (!slot) return;
      var text = (error.code ? error.code + " · " : "") + error.message;
      slot.textContent = slot.textContent ? slot.textContent + " " + text : text;
      slot.hidden = false;
      var input = error.field ? form.querySelector('[name="' + error.field + '"]') : null;
      if (input) {
        input.setAttribute("aria-invalid", "true");
        first = first || input;
      }
    });
    if (first && first.focus) first.focus();
  }

  function showResult(row, body) {
    var result = row.querySelector("[data-loop-result]");
    var lead = body.lead;
    var next = row.querySelector("[data-next]");
    if (next && lead) {
      next.textContent = lead.nextFollowUpText;
      next.classList.toggle("overdue", lead.group === "overdue");
    }
    var since = row.querySelector("[data-since]");
    if (since && lead && lead.group !== "overdue") since.remove();
    var last = row.querySelector("[data-last]");
    if (last && lead) last.textContent = lead.lastFollowUpText;
    if (lead) row.setAttribute("data-group", lead.group);
    var reschedule = row.querySelector("[data-reschedule-input]");
    if (reschedule && lead && lead.nextFollowUpLocal) reschedule.value = lead.nextFollowUpLocal;
    row.classList.add("loop-done");
    if (result) {
      result.innerHTML = "";
      var line = document.createElement("span");
      line.textContent = body.message + (lead ? " Next follow-up: " + lead.nextFollowUpText + "." : "");
      result.appendChild(line);
      (body.warnings || []).forEach(function (warning) {
        var note = document.createElement("span");
        note.className = "loop-warning";
        note.textContent = warning.code + " · " + warning.message;
        result.appendChild(note);
      });
    }
    updateCounts(body.counts);
  }

  $$("[data-loop-row]").forEach(function (row) {
    $$("form[data-loop-form]", row).forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var data = new FormData(form);
        var submitter = event.submitter;
        if (submitter && submitter.name) data.append(submitter.name, submitter.value);
        var buttons = $$("button", form);
        buttons.forEach(function (b) {
          b.disabled = true;
        });
        post(form.action, data)
          .then(function (answer) {
            if (!answer.ok) {
              showErrors(form, answer.body.errors);
              return;
            }
            clearErrors(form);
            var panel = form.closest("[data-loop-panel]");
            if (panel) {
              panel.open = false;
              var summary = panel.querySelector("summary");
              if (summary) summary.focus();
            }
            if (form.querySelector("textarea")) form.reset();
            showResult(row, answer.body);
          })
          .catch(function () {
            showErrors(form, [{ field: "", code: "", message: "The server could not be reached. Try again." }]);
          })
          .then(function () {
            buttons.forEach(function (b) {
              b.disabled = false;
            });
          });
      });
    });
  });

  /* A WhatsApp link opens the chat (a new tab, or the app on a phone) and logs a follow-up;
     keepalive lets the request finish even if the page goes away. */
  $$("a[data-whatsapp]").forEach(function (link) {
    link.addEventListener("click", function () {
      var data = new FormData();
      data.append("csrfmiddlewaretoken", csrfToken());
      post(link.getAttribute("data-log-url"), data, true)
        .then(function (answer) {
          var row = link.closest("[data-loop-row]");
          if (answer.ok && row) {
            showResult(row, answer.body);
          } else if (answer.ok) {
            var note = link.parentNode.querySelector("[data-contact-result]");
            if (note) note.textContent = answer.body.message;
            updateCounts(answer.body.counts);
          }
        })
        .catch(function () {});
    });
  });
})();
