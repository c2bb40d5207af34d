/**
 * Keyboard shortcuts: space plays or pauses, the right arrow trains one epoch,
 * r resets the network. Keys typed into a form field, or pressed with a
 * modifier, keep their usual meaning.
 */

function isFormField(target) {
  if (!target || !target.closest) return false;
  return Boolean(target.closest("input, select, textarea, button, [contenteditable='true']"));
}

export function installShortcuts({ togglePlay, step, reset }) {
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    if (isFormField(event.target)) return;
    if (event.key === " " || event.code === "Space") {
      event.preventDefault();
      togglePlay();
    } else if (event.key === "ArrowRight") {
      event.preventDefault();
      step();
    } else if (event.key === "r" || event.key === "R") {
      event.preventDefault();
      reset();
    }
  });
}
