// Steppers for cones and gates on the staff page at the line; without the script the numbers
// are typed in.
(function () {
  "use strict";
  document.querySelectorAll(".stepper .step").forEach(function (button) {
    button.addEventListener("click", function () {
      var input = document.getElementById(button.dataset.for);
      if (!input) return;
      var value = parseInt(input.value || "0", 10);
      if (isNaN(value)) value = 0;
      input.value = String(Math.max(0, value + parseInt(button.dataset.step, 10)));
    });
  });
  var number = document.querySelector("#run-form input[name=number]");
  if (number && !number.value) number.focus();
})();
