// lvyue — progressive enhancement only; every page works without JavaScript.
// Status buttons that end a contract ask for confirmation first (the text comes from the button's own label).
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  if (button && button.classList.contains("btn-danger") && !window.confirm(button.textContent.trim() + "?")) {
    event.preventDefault();
  }
});
