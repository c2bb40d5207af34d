/**
 * The page's language (`#lang`, and `lang=` in the share link).
 *
 * The server renders the page in one language (static/js/i18n.js holds its
 * catalog) and cannot see the link's hash, so the page asks for the link's
 * language itself: when the hash says `lang=zh` and the page is English, it
 * loads `?lang=zh` with the same hash (`followLinkLanguage`). A language we do
 * not have (`lang=xx`) means English, without a word.
 *
 * The switch sends `set {lang}`; once a frame confirms it (and so carries the
 * canonical hash with the new `lang`), it closes the socket, leaves the
 * session's id for the next page (`carriedSession`, sessionStorage, read once)
 * and loads the page in the new language, which resumes the same session:
 * the epoch, the weights and every setting stay.
 */

import { lang } from "./i18n.js";

const RESUME_KEY = "playground-resume";
// Time for the server to see the old socket close (the session is then held
// for the new page) before the new page says hello.
const HANDOVER_MS = 150;

/** The `lang` value of a share hash (without '#'), or null when it has none. */
export function languageInHash(hash) {
  let found = null;
  for (const pair of String(hash || "").split("&")) {
    const [key, value] = pair.split("=");
    if (key === "lang" && value !== undefined && value.trim() !== "") {
      try {
        found = decodeURIComponent(value);
      } catch (err) {
        found = value;
      }
    }
  }
  return found;
}

function pageUrl(language, hash) {
  const query = new URLSearchParams(location.search);
  query.set("lang", language);
  return `${location.pathname}?${query}#${hash}`;
}

/** Load the page in the link's language when it differs; true when leaving. */
export function followLinkLanguage(known) {
  const hash = location.hash.replace(/^#/, "");
  const asked = languageInHash(hash);
  if (asked === null) return false;
  const wanted = known.includes(asked) ? asked : "en";
  if (wanted === lang) return false;
  location.replace(pageUrl(wanted, hash));
  return true;
}

/** The session the previous page handed over (once), or null. */
export function carriedSession() {
  try {
    const id = sessionStorage.getItem(RESUME_KEY);
    sessionStorage.removeItem(RESUME_KEY);
    return id;
  } catch (err) {
    return null;
  }
}

export class LanguageSwitch {
  /** @param {HTMLSelectElement} select  @param {object} commands set(settings)  @param {object} connection close() */
  constructor(select, commands, connection) {
    this.select = select;
    this.connection = connection;
    this.wanted = null;
    if (!select) return;
    select.value = lang;
    select.addEventListener("change", () => {
      if (select.value === lang) return;
      this.wanted = select.value;
      commands.set({ lang: this.wanted });
    });
  }

  update(state) {
    if (!this.wanted || this.leaving || state.settings?.lang !== this.wanted || typeof state.hash !== "string") return;
    this.leaving = true;
    try {
      if (state.session) sessionStorage.setItem(RESUME_KEY, state.session);
    } catch (err) {
      // Without storage the new page starts from the link: the settings stay, the training does not.
    }
    const url = pageUrl(this.wanted, state.hash);
    this.connection.close().then(() => setTimeout(() => location.replace(url), HANDOVER_MS));
  }
}
