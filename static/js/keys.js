/* Keyboard shortcuts on every page: "/" puts the cursor in the search box, "n" opens a new
   lead; not while typing in a field, nor with a modifier key. The elements they reach say so
   with aria-keyshortcuts. */
(function () {
  "use strict";

  function typing(target) {
    var tag = target && target.tagName;
    return !!target && (target.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT");
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (event.key === "/") {
      var search = document.querySelector('[aria-keyshortcuts="/"]');
      if (search) {
        event.preventDefault();
        search.focus();
        search.select();
      }
    } else if (event.key === "n") {
      var add = document.querySelector('[aria-keyshortcuts="N"]');
      if (add) {
        event.preventDefault();
        window.location.assign(add.href);
      }
    }
  });
})();

/* On phones the lead list's filter panel starts folded (open when it shows an error); on wider
   screens it is always open. */
(function () {
  "use strict";
  var fold = document.querySelector("[data-filter-fold]");
  if (!fold || !window.matchMedia) return;
  var phone = window.matchMedia("(max-width: 700px)");
  function apply() {
    fold.open = !phone.matches || !!fold.querySelector(".has-error, .form-errors");
  }
  apply();
  if (phone.addEventListener) phone.addEventListener("change", apply);
})();

/* The lead list's bulk bar sticks below the page's sticky header: the top bar, or on phones
   the navigation's bar. */
(function () {
  "use strict";
  if (!document.querySelector("[data-bulk-bar]") || !window.matchMedia) return;
  var phone = window.matchMedia("(max-width: 900px)");
  function measure() {
    var head = document.querySelector(phone.matches ? ".sidebar" : ".topbar");
    if (head) document.documentElement.style.setProperty("--sticky-head", head.offsetHeight + "px");
  }
  measure();
  window.addEventListener("resize", measure);
})();
