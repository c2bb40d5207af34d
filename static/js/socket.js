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
 * Commands are plain objects sent as JSON text; while the socket is not open
 * they are dropped (the first frame after reconnecting tells the page the truth).
 */

const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5000;
const GRID_NAMES = ["output", "thumbnails", "focus"];

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

function socketUrl() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/ws`;
}

export class Connection {
  /**
   * @param {object} handlers
   *   getHash(): the raw hash to send in `hello` (without '#');
   *   onFrame({header, grids}); onNotice(message, about); onError(message, command), where
   *   `message` is the server's {code, params, message} (static/js/i18n.js says it);
   *   onStatus(state) with state one of "connecting", "open", "reconnecting".
   */
  constructor(handlers) {
    this.handlers = handlers;
    this.socket = null;
    this.session = null;
    this.retryMs = RETRY_FIRST_MS;
    this.retryTimer = null;
    this.everOpened = false;
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
      socket.send(JSON.stringify({ type: "hello", hash: this.handlers.getHash(), resume: this.session }));
      this.handlers.onStatus("open");
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

  /** Send one command object; returns whether it went out. */
  send(command) {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(command));
    return true;
  }
}
