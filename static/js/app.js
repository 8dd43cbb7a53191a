/* Leads CRM: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  function $(selector, root) {
    return (root || document).querySelector(selector);
  }

  function $$(selector, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(selector));
  }

  function debounce(fn, wait) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () {
        fn.apply(null, args);
      }, wait);
    };
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      node.setAttribute(key, attrs[key]);
    });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  /* Flash messages can be dismissed. */
  $$("[data-dismiss]").forEach(function (button) {
    button.addEventListener("click", function () {
      var flash = button.closest(".flash");
      if (flash) flash.remove();
    });
  });

  /* Small screens: the navigation opens from the menu button. */
  var toggle = $("[data-nav-toggle]");
  if (toggle) {
    toggle.addEventListener("click", function () {
      var sidebar = toggle.closest(".sidebar");
      var open = sidebar.classList.toggle("nav-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  /* Lead page: the three forms become tabs. The one with errors opens first. */
  $$("[data-tabs]").forEach(function (tabs) {
    var buttons = $$("[data-tab]", tabs);
    var panels = $$("[data-panel]", tabs);

    function show(name) {
      buttons.forEach(function (button) {
        var active = button.getAttribute("data-tab") === name;
        button.setAttribute("aria-selected", active ? "true" : "false");
        button.tabIndex = active ? 0 : -1;
      });
      panels.forEach(function (panel) {
        panel.hidden = panel.getAttribute("data-panel") !== name;
      });
    }

    buttons.forEach(function (button, index) {
      button.addEventListener("click", function () {
        show(button.getAttribute("data-tab"));
      });
      button.addEventListener("keydown", function (event) {
        var step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
        if (!step) return;
        var next = buttons[(index + step + buttons.length) % buttons.length];
        next.focus();
        show(next.getAttribute("data-tab"));
      });
    });
    var wanted = tabs.getAttribute("data-open");
    var known = buttons.some(function (b) {
      return b.getAttribute("data-tab") === wanted;
    });
    show(known ? wanted : buttons[0].getAttribute("data-tab"));
  });

  /* Sub-status lists show only the sub-statuses of the chosen status. */
  var mapNode = $("#sub-status-map");
  if (mapNode) {
    var subStatusMap = JSON.parse(mapNode.textContent);
    $$("form").forEach(function (form) {
      var status = $("select[name=status]", form);
      var sub = $("select[name=sub_status]", form);
      if (!status || !sub) return;
      var original = sub.innerHTML;

      function narrow() {
        var chosen = status.value;
        var keep = sub.value;
        sub.disabled = false;
        if (!chosen || !subStatusMap[chosen]) {
          sub.innerHTML = original;
          sub.value = keep;
          return;
        }
        sub.innerHTML = "";
        sub.appendChild(el("option", { value: "" }, subStatusMap[chosen].length ? "None" : "None defined"));
        subStatusMap[chosen].forEach(function (pair) {
          sub.appendChild(el("option", { value: pair[0] }, pair[1]));
        });
        sub.value = subStatusMap[chosen].some(function (p) {
          return p[0] === keep;
        })
          ? keep
          : "";
        sub.disabled = subStatusMap[chosen].length === 0;
      }

      status.addEventListener("change", narrow);
      narrow();
    });
  }

  /* Lead list: select rows, count them, and refuse an empty bulk action. */
  $$("[data-bulk]").forEach(function (form) {
    var bar = $("[data-bulk-bar]", form);
    var counter = $("[data-bulk-count]", form);
    var all = $("[data-check-all]", form);
    var boxes = $$("input[name=lead_ids]", form);

    function update() {
      var count = boxes.filter(function (b) {
        return b.checked;
      }).length;
      counter.textContent = String(count);
      bar.classList.toggle("has-selection", count > 0);
      if (all) {
        all.checked = count > 0 && count === boxes.length;
        all.indeterminate = count > 0 && count < boxes.length;
      }
    }

    boxes.forEach(function (box) {
      box.addEventListener("change", update);
    });
    if (all) {
      all.addEventListener("change", function () {
        boxes.forEach(function (box) {
          box.checked = all.checked;
        });
        update();
      });
    }
    update();
  });

  /* Add lead: show the part of the customer block that applies, suggest catalog items as the
     person types, and look customers up by what is typed. */
  var create = $("[data-create-form]");
  if (create) {
    var modes = $$("input[name=customer_mode]", create);
    var sections = $$(".customer-mode", create);

    var showMode = function () {
      var checked = modes.filter(function (m) {
        return m.checked;
      })[0];
      var mode = checked ? checked.value : "existing";
      sections.forEach(function (section) {
        section.hidden = section.getAttribute("data-mode") !== mode;
      });
    };
    modes.forEach(function (m) {
      m.addEventListener("change", showMode);
    });
    showMode();

    var type = $("select[name=type]", create);
    var leadFor = $("input[name=lead_for]", create);
    var suggestUrl = create.getAttribute("data-suggest-url");

    var useList = function () {
      if (!type || !leadFor) return;
      if ($("#catalog-" + type.value)) {
        leadFor.setAttribute("list", "catalog-" + type.value);
        leadFor.setAttribute("autocomplete", "off");
      } else {
        leadFor.removeAttribute("list");
      }
    };
    if (type) type.addEventListener("change", useList);
    useList();

    if (leadFor && suggestUrl && window.fetch) {
      leadFor.addEventListener(
        "input",
        debounce(function () {
          var list = $("#catalog-" + type.value);
          var q = leadFor.value.trim();
          if (!list || q.length < 2) return;
          fetch(suggestUrl + "?type=" + encodeURIComponent(type.value) + "&q=" + encodeURIComponent(q), {
            credentials: "same-origin",
          })
            .then(function (r) {
              return r.ok ? r.json() : { data: [] };
            })
            .then(function (body) {
              var known = {};
              $$("option", list).forEach(function (o) {
                known[o.value] = true;
              });
              body.data.forEach(function (item) {
                if (!known[item.code]) list.appendChild(el("option", { value: item.code }, item.name));
              });
            })
            .catch(function () {});
        }, 200)
      );
    }

    var findBy = $("select[name=find_by]", create);
    var identifier = $("input[name=identifier]", create);
    var lookup = $("[data-lookup]", create);
    var lookupUrl = create.getAttribute("data-lookup-url");
    if (identifier && lookup && lookupUrl && window.fetch) {
      identifier.addEventListener(
        "input",
        debounce(function () {
          var q = identifier.value.trim();
          if (q.length < 3) {
            lookup.hidden = true;
            return;
          }
          fetch(lookupUrl + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
            .then(function (r) {
              return r.ok ? r.json() : { data: [] };
            })
            .then(function (body) {
              lookup.innerHTML = "";
              if (!body.data.length) {
                lookup.appendChild(
                  el("div", { class: "lookup-empty" }, "No customer found. Switch to “New customer” to register one.")
                );
              }
              body.data.forEach(function (customer) {
                var button = el("button", { type: "button", class: "lookup-item" });
                button.appendChild(el("span", { class: "avatar avatar-sm", "aria-hidden": "true" }, (customer.name || "?").slice(0, 1)));
                var text = el("span", { class: "lookup-text" });
                text.appendChild(el("strong", {}, customer.name || "Unnamed customer"));
                text.appendChild(
                  el(
                    "span",
                    { class: "muted small" },
                    ["#" + customer.id, customer.mobile, customer.email, customer.leads + " lead(s)"]
                      .filter(Boolean)
                      .join(" · ")
                  )
                );
                button.appendChild(text);
                button.addEventListener("click", function () {
                  findBy.value = "USER_ID";
                  identifier.value = String(customer.id);
                  $$(".lookup-item", lookup).forEach(function (b) {
                    b.classList.remove("selected");
                  });
                  button.classList.add("selected");
                });
                lookup.appendChild(button);
              });
              lookup.hidden = false;
            })
            .catch(function () {
              lookup.hidden = true;
            });
        }, 250)
      );
    }
  }
})();
