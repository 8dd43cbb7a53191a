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
