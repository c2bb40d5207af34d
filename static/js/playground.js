/**
 * One playground, mounted on a root element: its own connection to the server
 * (its own session), the latest state received from that session, every
 * component (controls, network view, heatmap, loss chart, …) looking up its
 * elements inside `root` only (static/js/part.js), user actions turned into
 * commands, and drawing on requestAnimationFrame with the newest frame (frames
 * that arrive between two paints are merged, never queued).
 *
 * The normal page mounts one on <body> (static/js/main.js); the compare page
 * mounts two, one per side (static/js/compare.js). Sections a root does not
 * hold are simply not mounted (the compare page's sides have no article, no
 * own-data section and no "See inside").
 *
 * State kept here (everything else lives in the components):
 *   - from frames: epoch, playing, losses, weights/biases/dead, the grids
 *     (output 100x100, thumbnails 10x10 per node, focus 100x100), and the
 *     parts sent only on change: layout, data, settings (+ hash, hidden);
 *   - of the page: the hovered node and the view settings (discretize, show
 *     test data), applied at once and also sent so the share link keeps them.
 *
 * The root's data attributes say where the playground is, for the page and
 * its tests: `data-epoch`, `data-ready` ("true" once a map is drawn) and
 * `data-connection` ("connecting", "open", "reconnecting").
 */

import { Classroom } from "./classroom.js";
import { Controls } from "./controls.js";
import { DatasetPicker } from "./datasets.js";
import { Goals } from "./goals.js";
import { Heatmap } from "./heatmap.js";
import { LineChart } from "./linechart.js";
import { Messages } from "./messages.js";
import { TaskMetrics } from "./metrics.js";
import { NetworkView } from "./network.js";
import { part } from "./part.js";
import { Connection } from "./socket.js";
import { UserData } from "./userdata.js";
import { SeeInside } from "./views/seeinside.js";
import { say, t } from "./i18n.js";

/** The settings table the template embeds (`#settings-table`), as a list of rows. */
export function readSettingsTable(doc = document) {
  return JSON.parse(doc.getElementById("settings-table").textContent);
}

/**
 * @param {HTMLElement} root the element holding this playground's markup
 * @param {object} options
 *   table: the settings table rows (readSettingsTable());
 *   getHash(): the share-link hash this playground starts from (sent in `hello`);
 *   getSnapshot(): a saved network to open instead, or null;
 *   showHash(hash): the canonical hash of the session, after each change;
 *   onSaved(id, url): the answer to `save`;
 *   onFrame(state): after each frame, with the playground's state.
 * @returns {object} {root, state, commands, controls, messages, connection, send(command), connect()}
 */
export function createPlayground(root, options) {
  const tableList = options.table;
  const table = Object.fromEntries(tableList.map((setting) => [setting.name, setting]));
  const LEARNING_RATES = (table.learningRate?.choices || []).map(Number).sort((a, b) => a - b);
  const VIEW_NAMES = tableList.filter((s) => s.effect === "view" && s.kind === "bool").map((s) => s.name);

  const shownLinkNotices = new Set();

  const state = {
    session: null,
    epoch: 0,
    playing: false,
    trainLoss: null,
    testLoss: null,
    weights: null,
    biases: null,
    dead: null,
    layout: null,
    data: null,
    settings: null,
    hidden: new Set(),
    hash: null,
    output: null,
    outputClass: null,
    outputConfidence: null,
    metrics: null,
    highlight: null,
    thumbnails: null,
    focus: null,
    focusNode: null,
    hovered: null,
    view: Object.fromEntries(VIEW_NAMES.map((name) => [name, Boolean(table[name].default)])),
  };

  // ---- commands (page -> server) -----------------------------------------

  const connection = new Connection({
    getHash: options.getHash,
    getSnapshot: options.getSnapshot || (() => null),
    onSaved: (id, url) => options.onSaved?.(id, url),
    onFrame: receiveFrame,
    onNotice: (message, about) => messages.show(say(message), "notice", about),
    // A hover that raced a rebuild names a node that is gone: not worth a message.
    onError: (message, command) => { if (command !== "focus") messages.show(say(message), "error"); },
    onStatus: showConnection,
    onReply: (message) => seeInside?.receive(message),
  });

  // Values asked for by a toggle or a +/- button, until a frame confirms them
  // (or for a moment at most, should the server have used another value):
  // quick clicks then build on each other, not on a stale frame.
  const PENDING_MS = 2000;
  const pending = {};

  function askFor(name, value) {
    if (connection.send({ type: "set", settings: { [name]: value } })) pending[name] = { value, at: performance.now() };
  }

  function current(name) {
    const asked = pending[name];
    return asked && performance.now() - asked.at < PENDING_MS ? asked.value : state.settings?.[name];
  }

  const commands = {
    set: (settings) => connection.send({ type: "set", settings }),
    currentShape: () => [...(current("networkShape") ?? [])],
    setShape: (shape) => askFor("networkShape", shape),
    play: () => {
      messages.hideDivergence();
      connection.send({ type: "play" });
    },
    pause: () => connection.send({ type: "pause" }),
    step: () => connection.send({ type: "step" }),
    reset: () => {
      messages.hideDivergence();
      connection.send({ type: "reset" });
    },
    regenerate: () => connection.send({ type: "regenerate" }),
    speed: (value) => connection.send({ type: "speed", value }),
    edit: (target, value) => connection.send({ type: "edit", ...target, value }),
    focus: (node) => {
      state.hovered = node;
      connection.send({ type: "focus", node });
      scheduleDraw();
    },
    setView: (name, value) => {
      state.view[name] = value;
      scheduleDraw();
      commands.set({ [name]: value });
    },
    // The classroom section's checkboxes: `<name>_hide` in the share link.
    hide: (name, hidden) => connection.send({ type: "hide", name, hidden }),
  };

  // ---- components ----------------------------------------------------------

  /** A section of the page that this root may not hold: mounted only when present. */
  function mountIf(name, make) {
    const element = part(root, name);
    return element ? make(element) : null;
  }

  const messages = new Messages(commands, root);
  const controls = new Controls(table, commands, root);
  const datasets = new DatasetPicker(root.querySelector(".column.data"), commands);
  const heatmap = new Heatmap(part(root, "heatmap"));
  const chart = new LineChart(part(root, "linechart"));
  const shapeSetting = table.networkShape || {};
  const network = new NetworkView(part(root, "network"), {
    focus: commands.focus,
    toggleFeature: (name) => askFor(name, !current(name)),
    currentShape: commands.currentShape,
    setShape: commands.setShape,
    edit: commands.edit,
  }, { minNeurons: shapeSetting.minimum ?? 1, maxNeurons: shapeSetting.maximum ?? 16, hovercard: part(root, "hovercard") });
  const classroom = mountIf("article-text", (element) => new Classroom(element, commands));
  const userData = mountIf("own-data", () => new UserData(root, commands, { redraw: () => scheduleDraw() }));
  const statusBadge = part(root, "connection-status");
  const seeInside = mountIf("see-inside", (element) => new SeeInside(element, {
    send: (command) => connection.send(command),
    plot: part(root, "heatmap"),
    preview: part(root, "activation-preview"),
    diagram: part(root, "network"),
  }));
  const goals = new Goals(part(root, "goals"));
  const taskMetrics = new TaskMetrics(part(root, "task-metrics"), part(root, "class-legend"),
    (cell) => { state.highlight = cell; scheduleDraw(); });

  // ---- frames (server -> page) ---------------------------------------------

  /** The settings part of a frame: {values, hash, notices, hidden} (docs/protocol.md). */
  function readSettings(settingsPart) {
    return {
      values: settingsPart.values,
      hash: settingsPart.hash,
      notices: settingsPart.notices || [],
      hidden: settingsPart.hidden || [],
    };
  }

  function receiveFrame({ header, grids }) {
    if (header.type && header.type !== "frame") return;
    state.session = header.session;
    state.epoch = header.epoch;
    state.playing = Boolean(header.playing);
    state.trainLoss = header.trainLoss;
    state.testLoss = header.testLoss;
    state.weights = header.weights;
    state.biases = header.biases;
    state.dead = header.dead;
    state.gradientNorms = header.gradientNorms || null;
    state.deltaNorms = header.deltaNorms || null;
    if (header.layout) state.layout = header.layout;
    if (header.data) state.data = header.data;
    if (header.settings) {
      const settings = readSettings(header.settings);
      state.settings = settings.values;
      for (const name of Object.keys(pending)) {
        if (String(pending[name].value) === String(settings.values[name])) delete pending[name];
      }
      state.hidden = new Set(settings.hidden);
      for (const name of VIEW_NAMES) {
        if (name in settings.values) state.view[name] = Boolean(settings.values[name]);
      }
      state.hash = settings.hash;
      // Notices about the link come with every settings block: say each once.
      for (const notice of settings.notices) {
        const text = say(notice);
        if (shownLinkNotices.has(text)) continue;
        shownLinkNotices.add(text);
        messages.show(text, "notice");
      }
      root.classList.toggle("hide-text", Boolean(settings.values.hideText));
      messages.settingsChanged(settings.values);
    }
    showStopped(header.stopped || null);
    showRate(header.learningRateNow);
    messages.updateDivergence(header.divergence || null, Number(state.settings?.learningRate), LEARNING_RATES);
    state.output = grids.output;
    state.outputClass = grids.outputClass || null;
    state.outputConfidence = grids.outputConfidence || null;
    if (header.metrics) state.metrics = header.metrics;
    state.thumbnails = grids.thumbnails;
    state.focus = grids.focus;
    state.focusNode = header.grids?.focusNode || null;
    chart.add(header.lossPoints, header.chartReset);
    scheduleDraw();
    options.onFrame?.(state, header);
  }

  // The learning rate the next epoch uses (a schedule moves it while training).
  const rateNow = part(root, "learning-rate-now");
  function showRate(rate) {
    const text = Number.isFinite(rate) ? Number(rate.toPrecision(3)).toString() : "";
    if (rateNow.textContent !== text) rateNow.textContent = text;
  }

  // Why training stopped by itself (a stop condition), under the map.
  const stopReason = part(root, "stop-reason");
  function showStopped(stopped) {
    const text = stopped ? say(stopped) : "";
    if (stopReason.textContent !== text) stopReason.textContent = text;
    stopReason.hidden = !stopped;
  }

  function showConnection(status, sent = 0) {
    const text = ["connecting", "open", "reconnecting"].includes(status) ? t(`js.status.${status}`) : status;
    statusBadge.dataset.state = status;
    statusBadge.textContent = text;
    root.dataset.connection = status;
    // Said plainly while the server cannot be reached: nothing the user does is lost.
    const away = part(root, "server-away");
    away.hidden = status !== "reconnecting";
    if (status === "open" && sent > 0) messages.show(t("js.server_back"));
  }

  // ---- drawing -------------------------------------------------------------

  let drawPending = false;
  let appliedHidden = null;
  let appliedNetworkKey = null;

  function scheduleDraw() {
    if (drawPending) return;
    drawPending = true;
    requestAnimationFrame(draw);
  }

  function sameNode(a, b) {
    return Boolean(a && b) && a.layer === b.layer && a.index === b.index;
  }

  function draw() {
    drawPending = false;
    const showingNode = Boolean(state.hovered && state.focus && sameNode(state.hovered, state.focusNode));
    // K ≥ 3 classes: an output neuron shows its class's probability in its colour.
    const layers = state.layout?.layers || [];
    const classNode = showingNode && state.layout?.labelKind === "index" && state.focusNode.layer === layers.length - 1;
    heatmap.update({
      grid: showingNode ? state.focus : state.output,
      classMap: state.outputClass ? { winners: state.outputClass, confidences: state.outputConfidence } : null,
      gridColor: classNode ? state.layout.palette[state.focusNode.index] : null,
      layout: state.layout,
      showingNode: showingNode ? state.focusNode : null,
      discretize: state.view.discretize,
      data: userData ? userData.shownData(state.data) : state.data,
      showTestData: state.view.showTestData,
      highlight: state.highlight,
      predicted: state.metrics?.test?.predicted,
    });
    network.update({
      layout: state.layout,
      hidden: state.hidden,
      weights: state.weights,
      biases: state.biases,
      dead: state.dead,
      thumbnails: state.thumbnails,
      output: state.output,
      epoch: state.epoch,
      discretize: state.view.discretize,
    });
    controls.update(state);
    datasets.update(state);
    userData?.update(state);
    classroom?.update(state);
    chart.update();
    seeInside?.update(state);
    goals.update(state);
    taskMetrics.update(state);
    if (state.hidden !== appliedHidden || network.key !== appliedNetworkKey) {
      applyHidden(state.hidden);
      appliedHidden = state.hidden;
      appliedNetworkKey = network.key;
    }
    // After the components, so the address never runs ahead of what the page shows.
    if (state.hash !== null) options.showHash?.(state.hash);
    root.dataset.epoch = String(state.epoch);
    root.dataset.ready = state.layout && (state.output || state.outputClass) ? "true" : "false";
  }

  /** `<name>_hide=true` in the link hides every `.ui-<name>` element of this playground. */
  function applyHidden(hidden) {
    for (const element of root.querySelectorAll(".is-hidden")) element.classList.remove("is-hidden");
    for (const name of hidden) {
      if (!/^[A-Za-z0-9_-]+$/.test(name)) continue;
      for (const element of root.querySelectorAll(`.ui-${name}`)) element.classList.add("is-hidden");
    }
  }

  return {
    root,
    state,
    commands,
    controls,
    messages,
    connection,
    send: (command) => connection.send(command),
    connect: () => connection.connect(),
  };
}
