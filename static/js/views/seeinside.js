/**
 * "See inside": the views that show what the primers teach, mounted on the
 * #see-inside section below the playground (collapsed panels, so the
 * original's layout is untouched until one is opened) plus the activation
 * preview beside the activation control. `update(state)` is called with the
 * page's state after every frame; each view redraws only when open.
 */

import { part } from "../part.js";
import { ActivationPreview } from "./activationpreview.js";
import { FormulaView } from "./formula.js";
import { GradientPanel } from "./gradientpanel.js";
import { LessonsMenu } from "./lessons.js";
import { LESSONS } from "./lessons-list.js";
import { SpaceView } from "./spaceview.js";
import { TracePanel } from "./tracepanel.js";

export class SeeInside {
  /** `send(command)` sends a command to the server; `plot` is the big map (#heatmap);
   * `preview` the activation preview canvas (#activation-preview); `diagram` the network
   * diagram (#network). */
  constructor(root, { send, plot, preview, diagram }) {
    this.trace = new TracePanel(part(root, "trace"), { send, plot, diagram });
    this.views = [
      new ActivationPreview(preview),
      new SpaceView(part(root, "space-view")),
      new FormulaView(part(root, "formula")),
      new GradientPanel(part(root, "gradient-panel")),
      this.trace,
    ];
    new LessonsMenu(part(root, "lessons"), LESSONS);
  }

  update(state) {
    for (const view of this.views) view.update(state);
  }

  /** A text message answering one of the views' commands. */
  receive(message) {
    if (message.type === "trace") this.trace.receive(message);
  }
}
