/* The pipeline board: drag a card to another column (or use its "Move to…" button) to open the
   status dialog; the dialog posts to the lead's move URL and moves the card only when the
   change was saved. "More" loads the next cards of a column in place. */
(function () {
  "use strict";

  var board = document.querySelector("[data-board]");
  var dialog = document.querySelector("[data-move-dialog]");
  if (!board || !dialog || !window.fetch) return;

  var form = dialog.querySelector("[data-move-form]");
  var statusField = form.querySelector("select[name=status]");
  var errorsBox = form.querySelector("[data-move-errors]");
  var announcer = document.querySelector("[data-board-status]");
  var moving = null; // the card the dialog is about
  var dragged = null;

  function columnOf(node) {
    return node.closest("[data-column]");
  }

  function columnFor(status) {
    return board.querySelector('[data-column="' + status + '"]');
  }

  function announce(text) {
    if (announcer) announcer.textContent = text;
  }

  function setNumber(column, selector, delta) {
    var node = column.querySelector(selector);
    node.textContent = String(Math.max(0, parseInt(node.textContent, 10) + delta));
  }

  function cardCount(column) {
    return column.querySelectorAll("[data-card]").length;
  }

  /* Totals, the "n of m shown" line and the empty note of a column after cards came or went. */
  function refresh(column, totalDelta, offsetDelta) {
    setNumber(column, "[data-column-total]", totalDelta);
    var total = parseInt(column.querySelector("[data-column-total]").textContent, 10);
    column.querySelector("[data-column-shown]").textContent = cardCount(column) + " of " + total + " shown";
    column.querySelector("[data-column-empty]").hidden = total > 0;
    var next = column.getAttribute("data-next-offset");
    if (next !== "" && offsetDelta) {
      column.setAttribute("data-next-offset", String(Math.max(0, parseInt(next, 10) + offsetDelta)));
    }
    column.querySelectorAll(".board-group").forEach(function (group) {
      if (!group.querySelector("[data-card]")) group.remove();
    });
  }

  /* The group of a sub-status in a column, made in its place (no sub-status first, then by
     name) when the column has none yet. */
  function groupIn(column, key, label) {
    var groups = Array.prototype.slice.call(column.querySelectorAll(".board-group"));
    for (var i = 0; i < groups.length; i++) {
      if (groups[i].getAttribute("data-group") === key) return groups[i];
    }
    var group = document.createElement("div");
    group.className = "board-group";
    group.setAttribute("data-group", key);
    var head = document.createElement("h3");
    head.className = "board-group-head";
    head.textContent = label;
    var list = document.createElement("ul");
    list.className = "board-list";
    list.setAttribute("role", "list");
    group.appendChild(head);
    group.appendChild(list);
    var before = groups.filter(function (other) {
      var otherKey = other.getAttribute("data-group");
      if (key === "") return true;
      return otherKey !== "" && other.querySelector(".board-group-head").textContent.localeCompare(label) > 0;
    })[0];
    var cards = column.querySelector("[data-drop]");
    cards.insertBefore(group, before || column.querySelector("[data-column-empty]"));
    return group;
  }

  /* --- the dialog ----------------------------------------------------------------------- */

  function showErrors(items) {
    var list = errorsBox.querySelector("ul");
    list.innerHTML = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.textContent = item.code + " · " + item.message;
      list.appendChild(li);
    });
    errorsBox.hidden = items.length === 0;
  }

  function openDialog(card, status) {
    moving = card;
    form.reset();
    showErrors([]);
    form.setAttribute("action", card.getAttribute("data-move-url"));
    var title = card.querySelector(".board-card-title").textContent;
    dialog.querySelector("[data-move-lead]").textContent = "#" + card.getAttribute("data-lead-id") + " · " + title;
    statusField.value = status || "";
    // app.js narrows the sub-statuses to the chosen status on change.
    statusField.dispatchEvent(new Event("change"));
    dialog.showModal();
    (status ? form.querySelector("select[name=sub_status]") : statusField).focus();
  }

  function closeDialog() {
    if (dialog.open) dialog.close();
  }

  dialog.addEventListener("close", function () {
    var card = moving;
    moving = null;
    if (card && document.body.contains(card)) {
      var control = card.querySelector("[data-move]") || card.querySelector("a");
      if (control) control.focus();
    }
  });

  dialog.querySelector("[data-move-cancel]").addEventListener("click", closeDialog);

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!moving) return;
    var card = moving;
    var submit = form.querySelector("button[type=submit]");
    submit.disabled = true;
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (result) {
        submit.disabled = false;
        if (!result.ok) {
          showErrors(result.body.errors || []);
          return;
        }
        place(card, result.body);
        closeDialog();
      })
      .catch(function () {
        submit.disabled = false;
        showErrors([{ code: 90500, message: "The change could not be sent. Try again." }]);
      });
  });

  /* The saved change: the card leaves its column for its new status's column (and group). */
  function place(card, body) {
    var from = columnOf(card);
    var to = columnFor(body.status);
    var holder = document.createElement("ul");
    holder.innerHTML = body.card.trim();
    var fresh = holder.firstElementChild;
    card.remove();
    if (from) refresh(from, -1, -1);
    if (to) {
      groupIn(to, body.group, body.groupLabel).querySelector(".board-list").prepend(fresh);
      bindCard(fresh);
      refresh(to, 1, 1);
      moving = fresh;
    }
    var label = to ? to.querySelector("h2").textContent : body.status;
    announce("Lead #" + body.leadId + " moved to " + label + ".");
  }

  /* --- cards: drag and the "Move to…" button ------------------------------------------------ */

  function bindCard(card) {
    var button = card.querySelector("[data-move]");
    if (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault();
        openDialog(card, "");
      });
    }
    card.addEventListener("dragstart", function (event) {
      dragged = card;
      card.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.getAttribute("data-lead-id"));
    });
    card.addEventListener("dragend", function () {
      card.classList.remove("dragging");
      dragged = null;
      board.querySelectorAll(".drop-target").forEach(function (column) {
        column.classList.remove("drop-target");
      });
    });
  }

  board.querySelectorAll("[data-card]").forEach(bindCard);

  board.querySelectorAll("[data-column]").forEach(function (column) {
    function accepts() {
      return dragged && columnOf(dragged) !== column;
    }
    column.addEventListener("dragover", function (event) {
      if (!accepts()) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      column.classList.add("drop-target");
    });
    column.addEventListener("dragleave", function (event) {
      if (!column.contains(event.relatedTarget)) column.classList.remove("drop-target");
    });
    column.addEventListener("drop", function (event) {
      if (!accepts()) return;
      event.preventDefault();
      column.classList.remove("drop-target");
      openDialog(dragged, column.getAttribute("data-column"));
    });
  });

  /* --- "More": the next cards of one column, in place ---------------------------------------- */

  board.addEventListener("click", function (event) {
    var more = event.target.closest("[data-more]");
    if (!more) return;
    event.preventDefault();
    var column = columnOf(more);
    var query = board.getAttribute("data-filter-query");
    var url =
      board.getAttribute("data-more-url") +
      "?" +
      (query ? query + "&" : "") +
      "column=" +
      encodeURIComponent(column.getAttribute("data-column")) +
      "&offset=" +
      encodeURIComponent(column.getAttribute("data-next-offset"));
    more.setAttribute("aria-busy", "true");
    fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        return response.text();
      })
      .then(function (html) {
        more.removeAttribute("aria-busy");
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var page = holder.querySelector("[data-more-page]");
        if (!page) return;
        page.querySelectorAll(".board-group").forEach(function (group) {
          var key = group.getAttribute("data-group");
          var label = group.querySelector(".board-group-head").textContent;
          var list = groupIn(column, key, label).querySelector(".board-list");
          group.querySelectorAll("[data-card]").forEach(function (card) {
            // A card moved here meanwhile may come again: it is shown once.
            var id = card.getAttribute("data-lead-id");
            if (column.querySelector('[data-card][data-lead-id="' + id + '"]')) return;
            list.appendChild(card);
            bindCard(card);
          });
        });
        var next = page.getAttribute("data-next-offset");
        column.setAttribute("data-next-offset", next);
        column.querySelector("[data-column-total]").textContent = page.getAttribute("data-total");
        refresh(column, 0, 0);
        if (next === "") more.remove();
        announce(column.querySelector("h2").textContent + ": " + column.querySelector("[data-column-shown]").textContent);
      })
      .catch(function () {
        more.removeAttribute("aria-busy");
      });
  });
})();
