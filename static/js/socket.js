/**
 * The connection to the server: the only module that touches the WebSocket.
 *
 * It connects to `/ws`, introduces itself with `hello` (the raw URL hash and,
 * after a reconnect, the session id to resume), reconnects by itself with a
 * growing delay when the connection drops, and turns binary frames into
 * `{header, grids}` where each grid is a Uint8Array view on the payload:
 *
 *   frame bytes = uint32 LE header length N | N bytes UTF-8 JSON | payload
 *   header.grids.<name> = [offset, length] into the payload (or null)
 *
 * The URL carries a routing id for this tab, `/ws?tab=<id>`: random, kept in
 * sessionStorage so it survives reloads and reconnects of this tab (and only
 * this tab). The server ignores it; a load balancer in front of several
 * servers hashes it to keep the tab on one process (deploy/nginx.conf).
 *
 * Commands are plain objects sent as JSON text. While the socket is not open,
 * the user's changes (`set`, `hide`, `speed`, `edit`) are kept — settings
 * merged, later values winning — and sent right after the next `hello`;
 * play, pause, step and the rest are moments, not changes, and are dropped.
 */

const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5000;
const GRID_NAMES = ["output", "outputClass", "outputConfidence", "thumbnails", "focus"];
const KEPT_WHILE_AWAY = new Set(["set", "hide", "speed", "edit"]);

/** Split one binary frame into its JSON header and its grids (views, not copies). */
export function decodeFrame(buffer) {
  const view = new DataView(buffer);
  const headerLength = view.getUint32(0, true);
  const headerBytes = new Uint8Array(buffer, 4, headerLength);
  const header = JSON.parse(new TextDecoder().decode(headerBytes));
  const payloadStart = 4 + headerLength;
  const grids = {};
  const where = header.grids || {};
  for (const name of GRID_NAMES) {
    const span = where[name];
    grids[name] = Array.isArray(span) ? new Uint8Array(buffer, payloadStart + span[0], span[1]) : null;
  }
  return { header, grids };
}

const TAB_KEY = "playground-tab";
let memoryTabId = null;

function newTabId() {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** This tab's routing id (24 hex digits), the same for every connection of the tab. */
export function tabId() {
  try {
    let id = sessionStorage.getItem(TAB_KEY);
    if (!id || !/^[0-9a-f]{24}$/.test(id)) {
      id = newTabId();
      sessionStorage.setItem(TAB_KEY, id);
    }
    return id;
  } catch (err) {
    // Storage refused (e.g. a sandboxed frame): one id for this page's life.
    memoryTabId = memoryTabId || newTabId();
    return memoryTabId;
  }
}

function socketUrl() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/ws?tab=${tabId()}`;
}

export class Connection {
  /**
   * @param {object} handlers
   *   getHash(): the raw hash to send in `hello` (without '#');
   *   getSnapshot(): the saved network this page opens (`/s/<id>`), or null;
   *   onSaved(id, url): the answer to `save`;
   *   onFrame({header, grids}); onNotice(message, about); onError(message, command), where
   *   `message` is the server's {code, params, message} (static/js/i18n.js says it);
   *   onReply(message) for other text messages that answer a command (e.g. a trace);
   *   onStatus(state, sent) with state one of "connecting", "open", "reconnecting"
   *   (`sent`: on "open", how many kept changes were just sent).
   */
  constructor(handlers) {
    this.handlers = handlers;
    this.socket = null;
    this.session = null;
    this.retryMs = RETRY_FIRST_MS;
    this.retryTimer = null;
    this.everOpened = false;
    this.kept = [];
  }

  /** Keep a change made while the server is away (settings merged into one `set`). */
  keep(command) {
    const last = this.kept[this.kept.length - 1];
    if (command.type === "set" && last?.type === "set") {
      last.settings = { ...last.settings, ...command.settings };
    } else {
      this.kept.push(command.type === "set" ? { ...command, settings: { ...command.settings } } : command);
    }
  }

  /** How many changes wait for the server. */
  get waiting() {
    return this.kept.length;
  }

  connect() {
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.handlers.onStatus(this.everOpened ? "reconnecting" : "connecting");
    let socket;
    try {
      socket = new WebSocket(socketUrl());
    } catch (err) {
      this.scheduleRetry();
      return;
    }
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    socket.addEventListener("open", () => {
      if (this.socket !== socket) return;
      this.everOpened = true;
      const hello = { type: "hello", hash: this.handlers.getHash(), resume: this.session };
      const snapshot = this.handlers.getSnapshot?.();
      if (snapshot) hello.snapshot = snapshot;
      socket.send(JSON.stringify(hello));
      const kept = this.kept;
      this.kept = [];
      for (const command of kept) socket.send(JSON.stringify(command));
      this.handlers.onStatus("open", kept.length);
    });
    socket.addEventListener("message", (event) => {
      if (this.socket !== socket) return;
      this.receive(event.data);
    });
    socket.addEventListener("close", () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.scheduleRetry();
    });
    // An error is always followed by a close; the close schedules the retry.
    socket.addEventListener("error", () => {});
  }

  receive(data) {
    if (typeof data === "string") {
      let message;
      try {
        message = JSON.parse(data);
      } catch (err) {
        return;
      }
      if (message.type === "notice") {
        const about = Array.isArray(message.about) ? message.about.map(String) : [];
        this.handlers.onNotice(message, about);
      }
      else if (message.type === "error") this.handlers.onError(message, message.command ?? null);
      else if (message.type === "saved") this.handlers.onSaved?.(String(message.id ?? ""), String(message.url ?? ""));
      else this.handlers.onReply?.(message);
      return;
    }
    const frame = decodeFrame(data);
    if (frame.header.session) this.session = frame.header.session;
    // A healthy frame resets the back-off.
    this.retryMs = RETRY_FIRST_MS;
    this.handlers.onFrame(frame);
  }

  scheduleRetry() {
    this.handlers.onStatus("reconnecting");
    const delay = this.retryMs * (0.75 + Math.random() * 0.5);
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  /** Close the socket for good (no reconnect); resolves once it is closed. */
  close() {
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const socket = this.socket;
    this.socket = null;
    if (!socket || socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      socket.addEventListener("close", () => resolve());
      socket.close(1000, "language switch");
      setTimeout(resolve, 1000);
    });
  }

  /** Send one command object; returns whether it went out (or, being a
   * change, is kept until the server is back). */
  send(command) {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) {
      if (!this.everOpened || !KEPT_WHILE_AWAY.has(command.type)) return false;
      this.keep(command);
      return true;
    }
    this.socket.send(JSON.stringify(command));
    return true;
  }
}
