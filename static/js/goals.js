/**
 * Goals (#goals): the Google Machine Learning Crash Course's exercise links
 * carry goal keys that the original app ignores and the course's own build
 * shows as targets. This panel shows them and ticks each as it is met.
 *
 * Keys (`First`, `Second`, `Third` are successive goals of one kind):
 *   goalTestLossMinThreshold<N>=v      test loss below v
 *   goalTrainLossMinThreshold<N>=v     training loss below v
 *   goalTrainTestDiffMinThreshold<N>=v gap |test − training| at most v
 *   goalTrainTestDiffMaxThreshold<N>=v gap |test − training| at least v
 * A goal stays ticked once met (reset clears the ticks), as in the course.
 */

import { t } from "./i18n.js";

const KINDS = {
  TestLossMin: { text: (v) => t("js.goal.test_below", { v }), met: (s, v) => s.testLoss < v },
  TrainLossMin: { text: (v) => t("js.goal.train_below", { v }), met: (s, v) => s.trainLoss < v },
  TrainTestDiffMin: {
    text: (v) => t("js.goal.gap_at_most", { v }),
    met: (s, v) => Math.abs(s.testLoss - s.trainLoss) <= v,
  },
  TrainTestDiffMax: {
    text: (v) => t("js.goal.gap_at_least", { v }),
    met: (s, v) => Math.abs(s.testLoss - s.trainLoss) >= v,
  },
};
const ORDER = ["First", "Second", "Third"];
const GOAL_KEY = /^goal(TestLossMin|TrainLossMin|TrainTestDiffMin|TrainTestDiffMax)Threshold(First|Second|Third)$/;

/** The goals a share hash asks for: [{key, kind, value, rank}] in display order. */
export function readGoals(hash) {
  const goals = [];
  for (const pair of String(hash || "").split("&")) {
    const [key, raw] = pair.split("=");
    const match = GOAL_KEY.exec(key || "");
    const value = Number(raw);
    if (!match || raw === undefined || raw === "" || !Number.isFinite(value)) continue;
    goals.push({ key, kind: match[1], value, rank: ORDER.indexOf(match[2]) });
  }
  const kinds = Object.keys(KINDS);
  return goals.sort((a, b) => kinds.indexOf(a.kind) - kinds.indexOf(b.kind) || a.rank - b.rank);
}

export class Goals {
  constructor(element) {
    this.element = element;
    this.list = element.querySelector("ul");
    this.hash = null;
    this.goals = [];
    this.met = new Set();
    this.epoch = 0;
  }

  update(state) {
    if (state.hash !== this.hash) {
      this.hash = state.hash;
      this.goals = readGoals(state.hash);
      this.met.clear();
      this.render();
    }
    if (!this.goals.length) return;
    if (state.epoch < this.epoch) this.met.clear();  // a reset starts the exercise again
    this.epoch = state.epoch;
    if (state.epoch > 0 && Number.isFinite(state.testLoss) && Number.isFinite(state.trainLoss)) {
      for (const goal of this.goals) {
        if (KINDS[goal.kind].met(state, goal.value)) this.met.add(goal.key);
      }
    }
    for (const item of this.list.children) {
      const met = this.met.has(item.dataset.goal);
      if (item.classList.contains("met") !== met) {
        item.classList.toggle("met", met);
        item.querySelector(".goal-mark").textContent = met ? "✓" : "…";
        item.setAttribute("aria-label", t(met ? "js.goal.met" : "js.goal.not_met", { goal: item.dataset.text }));
      }
    }
  }

  render() {
    this.element.hidden = this.goals.length === 0;
    this.list.replaceChildren(...this.goals.map((goal) => {
      const item = document.createElement("li");
      const text = KINDS[goal.kind].text(goal.value);
      item.dataset.goal = goal.key;
      item.dataset.text = text;
      item.setAttribute("aria-label", t("js.goal.not_met", { goal: text }));
      const mark = document.createElement("span");
      mark.className = "goal-mark";
      mark.setAttribute("aria-hidden", "true");
      mark.textContent = "…";
      item.append(mark, ` ${text}`);
      return item;
    }));
  }
}
