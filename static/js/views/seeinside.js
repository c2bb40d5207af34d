/**
 * "See inside": the views that show what the primers teach, mounted on the
 * #see-inside section below the playground (collapsed panels, so the
 * original's layout is untouched until one is opened) plus the activation
 * preview beside the activation control. `update(state)` is called with the
 * page's state after every frame; each view redraws only when open.
 */

import { ActivationPreview } from "./activationpreview.js";
import { FormulaView } from "./formula.js";
import { GradientPanel } from "./gradientpanel.js";
import { LessonsMenu } from "./lessons.js";
import { LESSONS } from "./lessons-list.js";
import { SpaceView } from "./spaceview.js";
import { TracePanel } from "./tracepanel.js";

export class SeeInside {
  /** `send(command)` sends a command to the server; `plot` is the big map (#heatmap). */
  constructor(root, { send, plot }) {
    this.trace = new TracePanel(root.querySelector("#trace"), { send, plot });
    this.views = [
      new ActivationPreview(document.getElementById("activation-preview")),
      new SpaceView(root.querySelector("#space-view")),
      new FormulaView(root.querySelector("#formula")),
      new GradientPanel(root.querySelector("#gradient-panel")),
      this.trace,
    ];
    new LessonsMenu(root.querySelector("#lessons"), LESSONS);
  }

  update(state) {
    for (const view of this.views) view.update(state);
  }

  /** A text message answering one of the views' commands. */
  receive(message) {
    if (message.type === "trace") this.trace.receive(message);
  }
}
