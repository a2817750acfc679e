// After a failed submit, take the reader to what went wrong: the box that says what to
// do instead, or the error summary. Without this script the page still reads top down.
(function () {
  var target = document.querySelector("#booking-offers, #error-summary");
  if (target) {
    target.focus();
  }
})();
