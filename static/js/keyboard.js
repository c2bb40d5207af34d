/**
 * Keyboard shortcuts: space plays or pauses, the right arrow trains one epoch,
 * r resets the network. Keys typed into a form field, or pressed with a
 * modifier, keep their usual meaning. A shortcut whose button a link hides
 * (`playButton_hide`, `stepButton_hide`, `resetButton_hide`) does nothing: a
 * hidden control's action is unavailable by key as by mouse.
 *
 * A button that was clicked keeps the focus (so a screen reader and the next
 * Tab start from it), but Space then still plays or pauses, as it does after
 * clicking anywhere else; a button reached with Tab answers Space itself.
 */

function isFormField(target) {
  if (!target || !target.closest) return false;
  return Boolean(target.closest("input, select, textarea, button, [role='button'], [contenteditable='true']"));
}

/** The button the pointer last pressed, while it still has the focus. */
let clickedButton = null;
document.addEventListener("pointerdown", (event) => {
  clickedButton = event.target?.closest ? event.target.closest("button") : null;
}, true);
document.addEventListener("keydown", (event) => {
  if (event.key === "Tab") clickedButton = null;
}, true);

function isSpace(event) {
  return event.key === " " || event.code === "Space";
}

/**
 * @param {object} actions togglePlay(), step(), reset()
 * @param {(name: string) => boolean} isHidden whether the link hides the control `name`
 */
export function installShortcuts({ togglePlay, step, reset }, isHidden = () => false) {
  const clickedStillFocused = (event) => clickedButton !== null && event.target === clickedButton &&
    document.activeElement === clickedButton;
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    const spaceOnClicked = isSpace(event) && clickedStillFocused(event);
    if (isFormField(event.target) && !spaceOnClicked) return;
    if (isSpace(event)) {
      event.preventDefault();
      if (!event.repeat && !isHidden("playButton")) togglePlay();
    } else if (event.key === "ArrowRight") {
      event.preventDefault();
      if (!isHidden("stepButton")) step();
    } else if (event.key === "r" || event.key === "R") {
      event.preventDefault();
      if (!isHidden("resetButton")) reset();
    }
  });
  // A button fires its click on the release of Space: not for a clicked one.
  document.addEventListener("keyup", (event) => {
    if (isSpace(event) && clickedStillFocused(event)) event.preventDefault();
  });
}
