// Admin share links: copy a link's address with one click.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copyTarget);
  field.select();
  navigator.clipboard.writeText(field.value).then(() => {
    button.textContent = button.dataset.copiedLabel;
  });
});
