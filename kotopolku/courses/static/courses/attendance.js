// The quick attendance form: "everyone present" fills the empty rows with the session's length.
document.querySelectorAll("[data-fill-all]").forEach(function (button) {
  button.addEventListener("click", function () {
    document.querySelectorAll("input[data-hours]").forEach(function (input) {
      if (input.value === "") {
        input.value = button.dataset.fillAll;
      }
    });
  });
});
