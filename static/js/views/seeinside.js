/**
 * "See inside": the views that show what the primers teach, mounted on the
 * #see-inside section below the playground (collapsed panels, so the
 * original's layout is untouched until one is opened) plus the activation
 * preview beside the activation control. `update(state)` is called with the
 * page's state after every frame; each view redraws only when open.
 */

import { ActivationPreview } from "./activationpreview.js";
import { FormulaView } from "./formula.js";
import { LessonsMenu } from "./lessons.js";
import { LESSONS } from "./lessons-list.js";
import { SpaceView } from "./spaceview.js";

export class SeeInside {
  constructor(root) {
    this.views = [
      new ActivationPreview(document.getElementById("activation-preview")),
      new SpaceView(root.querySelector("#space-view")),
      new FormulaView(root.querySelector("#formula")),
    ];
    new LessonsMenu(root.querySelector("#lessons"), LESSONS);
  }

  update(state) {
    for (const view of this.views) view.update(state);
  }
}
