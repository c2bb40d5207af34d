/**
 * The classroom section of the article: one checkbox per control that a link
 * can hide (`<name>_hide=true`), checked while the control is visible. A change
 * goes to `commands.hide(name, hidden)`; the server answers with the new
 * canonical link, which "this link" then points at (built from the frame's
 * hash, so it is right even before the address bar is updated), and with the
 * new list of hidden controls, which the page hides at once (the original
 * waited for a reload).
 */

export class Classroom {
  constructor(root, commands) {
    this.boxes = [...root.querySelectorAll("input[data-hide]")];
    this.link = root.querySelector(".hide-controls-link");
    this.shownHidden = null;
    this.linkedHash = null;
    for (const box of this.boxes) {
      box.addEventListener("change", () => commands.hide(box.dataset.hide, !box.checked));
    }
  }

  update(state) {
    if (this.link && state.hash !== null && state.hash !== this.linkedHash) {
      this.linkedHash = state.hash;
      this.link.href = `${location.origin}${location.pathname}${location.search}#${state.hash}`;
    }
    if (state.hidden === this.shownHidden) return;
    this.shownHidden = state.hidden;
    for (const box of this.boxes) box.checked = !state.hidden.has(box.dataset.hide);
  }
}
