/**
 * The compare page (`/compare#a=<link A>&b=<link B>`): two playgrounds side by
 * side, each with its own session, settings and epoch counter, on the same
 * data and seed, trained in lockstep by one run bar, with both test losses on
 * one chart.
 *
 * Same data: side A starts first from its half of the link; side B then starts
 * from its own half with every setting that decides the data (those whose
 * change draws new points: dataset, noise, seed, …) taken from side A's
 * session. When B's half named other values the page says so. Later, a change
 * of data on either side (another dataset, more noise, Regenerate's new seed)
 * is sent to the other side too.
 *
 * Lockstep: the sides' own run buttons are not shown; the run bar sends
 * `step` commands to both sessions and starts the next round only once both
 * have trained it, so the two networks always advance by the same number of
 * epochs (a side reset by the user starts counting again from its epoch 0).
 */

import { compareHash, readCompareHash } from "./comparelink.js";
import { CompareChart } from "./comparechart.js";
import { reloadOnHashEdit, writeHash } from "./hashlink.js";
import { installShortcuts } from "./keyboard.js";
import { createPlayground, readSettingsTable } from "./playground.js";
import { t } from "./i18n.js";

const SIDES = ["a", "b"];
// A side behind its target that has not moved for this long lost its steps.
const ROUND_TIMEOUT_MS = 4000;

const table = readSettingsTable();
const DATA_SETTINGS = new Set(table.filter((s) => s.effect === "regenerate" || s.effect === "data").map((s) => s.name));

const halves = readCompareHash(location.hash);
const hashes = { ...halves };
const notices = document.getElementById("compare-notices");
const chart = new CompareChart(document.getElementById("compare-chart"), SIDES);
const playButton = document.getElementById("compare-play");
const speedSelect = document.getElementById("compare-speed");

function say(text) {
  const item = document.createElement("li");
  item.textContent = text;
  notices.appendChild(item);
}

/** A share-link hash as [key, value] pairs, in order. */
function pairs(hash) {
  return hash.split("&").filter(Boolean).map((item) => {
    const at = item.indexOf("=");
    return at < 0 ? [item, ""] : [item.slice(0, at), item.slice(at + 1)];
  });
}

function sameValue(x, y) {
  const a = Number(x);
  const b = Number(y);
  return x === y || (x !== "" && y !== "" && Number.isFinite(a) && Number.isFinite(b) && a === b);
}

/** Side B's half with side A's data settings (from A's canonical hash); says which differed. */
function alignData(halfB, hashA) {
  const fromA = pairs(hashA).filter(([key]) => DATA_SETTINGS.has(key));
  const ownB = pairs(halfB);
  const named = Object.fromEntries(ownB);
  const differing = fromA.filter(([key, value]) => key in named && !sameValue(named[key], value)).map(([key]) => key);
  for (const [key] of ownB) {
    if (DATA_SETTINGS.has(key) && !fromA.some(([k]) => k === key)) differing.push(key);
  }
  const kept = ownB.filter(([key]) => !DATA_SETTINGS.has(key));
  return { hash: [...kept, ...fromA].map(([k, v]) => `${k}=${v}`).join("&"), differing };
}

// ---- the two playgrounds ---------------------------------------------------

const lockstep = { playing: false, target: { a: 0, b: 0 }, waitingSince: 0 };
const sides = {};
let startedB = false;

for (const side of SIDES) {
  const root = document.querySelector(`.compare-side[data-side="${side}"]`);
  sides[side] = createPlayground(root, {
    table,
    getHash: () => hashes[side],
    showHash: (hash) => {
      hashes[side] = hash;
      writeHash(compareHash(hashes.a, hashes.b));
    },
    onFrame: (state, header) => {
      if (header.settings) shareData(side, state.settings);
      followEpoch(side, state.epoch);
      chart.add(side, header.lossPoints, header.chartReset);
      document.getElementById(`compare-loss-${side}`).textContent =
        Number.isFinite(state.testLoss) ? state.testLoss.toFixed(3) : "";
      if (side === "a" && !startedB && state.hash !== null) startB(state.hash);
      advance();
    },
  });
}

function startB(hashA) {
  startedB = true;
  const aligned = alignData(halves.b, hashA);
  hashes.b = aligned.hash;
  if (aligned.differing.length) {
    say(t("compare.aligned", { names: aligned.differing.join(", ") }));
  }
  sides.b.connect();
}

/** The settings that decide a side's data, as the side's session has them. */
function dataValues(settings) {
  return Object.fromEntries([...DATA_SETTINGS].filter((name) => name in settings).map((name) => [name, settings[name]]));
}

// Each side's data settings as of its last frame: a side whose own values
// moved since then was changed there, and the other side follows it (the
// follower's own frame then finds nothing left to send back).
const knownData = {};

function shareData(side, settings) {
  const values = dataValues(settings);
  const before = knownData[side];
  knownData[side] = values;
  const other = sides[side === "a" ? "b" : "a"];
  if (!before || !other.state.settings) return;
  const changed = Object.keys(values).filter((name) => String(values[name]) !== String(before[name]));
  const differing = changed.filter((name) => String(other.state.settings[name]) !== String(values[name]));
  if (differing.length) other.commands.set(Object.fromEntries(differing.map((name) => [name, values[name]])));
}

// ---- lockstep --------------------------------------------------------------

/** Each side's epoch as its frames show it. */
function epochs() {
  return Object.fromEntries(SIDES.map((side) => [side, sides[side].state.epoch]));
}

function ready() {
  return SIDES.every((side) => sides[side].state.settings !== null);
}

// Per side: the epoch it is to reach (its epoch when lockstep began, plus the
// epochs of every round sent since), and its last epoch and when it changed.
const seen = Object.fromEntries(SIDES.map((side) => [side, { epoch: 0, at: 0 }]));

/** A side's frame: keep its target honest. */
function followEpoch(side, epoch) {
  const last = seen[side];
  if (epoch === last.epoch) return;
  // A fresh network (reset, or a setting that rebuilds it) starts at epoch 0
  // and the server forgets the steps owed to the old one: count from here.
  if (epoch < last.epoch || epoch > lockstep.target[side]) lockstep.target[side] = epoch;
  seen[side] = { epoch, at: performance.now() };
}

/** Whether both sides have trained every round sent. */
function roundDone() {
  const now = epochs();
  return SIDES.every((side) => now[side] >= lockstep.target[side]);
}

/** Both sides owe `count` more epochs. */
function round(count) {
  for (const side of SIDES) {
    lockstep.target[side] += count;
    for (let i = 0; i < count; i++) sides[side].send({ type: "step" });
  }
  lockstep.waitingSince = performance.now();
}

/** Steps sent while a side's server was away are lost (a step is a moment,
 * not a change kept for later): a side that is behind and has not moved for a
 * while is sent what it still owes. */
function resendLost() {
  const now = epochs();
  const clock = performance.now();
  for (const side of SIDES) {
    const owed = lockstep.target[side] - now[side];
    const quietSince = Math.max(seen[side].at, lockstep.waitingSince);
    if (owed > 0 && clock - quietSince > ROUND_TIMEOUT_MS) {
      for (let i = 0; i < owed; i++) sides[side].send({ type: "step" });
      seen[side].at = clock;
    }
  }
}

function advance() {
  if (!ready()) return;
  if (roundDone()) {
    if (lockstep.playing) round(Number(speedSelect.value));
  } else {
    resendLost();
  }
}

function showPlaying() {
  playButton.classList.toggle("playing", lockstep.playing);
  playButton.setAttribute("aria-pressed", String(lockstep.playing));
  playButton.setAttribute("aria-label", t(lockstep.playing ? "compare.pause" : "compare.run"));
  document.body.dataset.playing = String(lockstep.playing);
}

function togglePlay() {
  if (!ready()) return;
  lockstep.playing = !lockstep.playing;
  showPlaying();
  if (lockstep.playing) advance();
}

function stepBoth() {
  if (!ready()) return;
  if (lockstep.playing) {
    lockstep.playing = false;
    showPlaying();
    return;
  }
  round(1);
}

function resetBoth() {
  lockstep.playing = false;
  showPlaying();
  // The server forgets the steps owed to the old networks.
  lockstep.target = { a: 0, b: 0 };
  for (const side of SIDES) sides[side].commands.reset();
}

// Also between frames: lost steps show as frames that do not come.
setInterval(advance, 500);

playButton.addEventListener("click", togglePlay);
document.getElementById("compare-step").addEventListener("click", stepBoth);
document.getElementById("compare-reset").addEventListener("click", resetBoth);
installShortcuts({ togglePlay, step: stepBoth, reset: resetBoth });
reloadOnHashEdit();

sides.a.connect();
