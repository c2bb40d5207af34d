/**
 * The classroom section of the article: one checkbox per control that a link
 * can hide (`<name>_hide=true`), checked while the control is visible. A change
 * goes to `commands.hide(name, hidden)`; the server answers with the new
 * canonical link, which "this link" then points at. Hiding takes effect on the
 * next load of that link, as in the original.
 */

export class Classroom {
  constructor(root, commands) {
    this.boxes = [...root.querySelectorAll("input[data-hide]")];
    this.link = root.querySelector(".hide-controls-link");
    this.shownHidden = null;
    for (const box of this.boxes) {
      box.addEventListener("change", () => commands.hide(box.dataset.hide, !box.checked));
    }
    // The address can change after the last frame (writes are spaced out): refresh on use.
    const refresh = () => { this.link.href = location.href; };
    for (const event of ["pointerenter", "focus", "contextmenu"]) this.link?.addEventListener(event, refresh);
  }

  update(state) {
    if (this.link && this.link.href !== location.href) this.link.href = location.href;
    if (state.hidden === this.shownHidden) return;
    this.shownHidden = state.hidden;
    for (const box of this.boxes) box.checked = !state.hidden.has(box.dataset.hide);
  }
}
