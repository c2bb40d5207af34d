/**
 * The page's words: the catalog of the page's language, embedded by the server
 * as `<script type="application/json" id="catalog">` ({lang, entries}), and
 * `t(key, params)`, which fills a catalog entry's placeholders as the server's
 * `server/i18n.py` does:
 *
 *   {value}                      the parameter as it is
 *   {setting|label}              a setting's name → its label
 *   {loss|choice:loss}           a choice of the setting `loss` → its label
 *   {problem|choice:problem|lower}, {place|capital}
 *   {count|number}               a number as the language writes it
 *   {columns|list}               a list joined as the language joins lists
 *
 * A parameter may itself be a message ({code, params}); an entry with plural
 * forms ({one, other}) picks its form by `params.count` (Intl.PluralRules).
 * `say(message)` renders a notice, error or divergence from the server
 * ({code, params, message}); without a catalog entry it falls back to the
 * server's English `message`.
 */

const source = document.getElementById("catalog");
const catalog = source ? JSON.parse(source.textContent) : { lang: "en", entries: {} };

/** The page's language ("en", "zh"): the one the server rendered. */
export const lang = catalog.lang || "en";
const entries = catalog.entries || {};
const plurals = new Intl.PluralRules(lang);
const numbers = new Intl.NumberFormat(lang, { maximumFractionDigits: 20 });
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)((?:\|[A-Za-z_]+(?::[A-Za-z0-9_.]+)?)*)\}/g;

export function has(key) {
  return Object.prototype.hasOwnProperty.call(entries, key);
}

/** The catalog entry `key` with its placeholders filled from `params`. */
export function t(key, params = {}) {
  let entry = entries[key];
  if (entry === undefined) return key;
  if (typeof entry === "object") {
    entry = entry[plurals.select(Number(params.count ?? 0))] ?? entry.other ?? Object.values(entry)[0];
  }
  return String(entry).replace(PLACEHOLDER, (whole, name, filters) => {
    if (!(name in params)) return whole;
    let value = params[name];
    for (const spec of filters.split("|").filter(Boolean)) {
      const [kind, argument] = spec.split(":");
      value = applyFilter(value, kind, argument);
    }
    return plain(value);
  });
}

function applyFilter(value, kind, argument) {
  if (kind === "label") return t(`setting.${value}.label`);
  if (kind === "choice") {
    const key = `setting.${argument}.choice.${value}`;
    return has(key) ? t(key) : value;
  }
  if (kind === "term") return t(`${argument}.${value}`);
  if (kind === "number") return typeof value === "number" ? numbers.format(value) : value;
  if (kind === "lower") return plain(value).toLowerCase();
  if (kind === "capital") {
    const text = plain(value);
    return text.slice(0, 1).toUpperCase() + text.slice(1);
  }
  return value;
}

function plain(value) {
  if (value && typeof value === "object" && !Array.isArray(value) && "code" in value) return render(value);
  if (Array.isArray(value)) return value.map(plain).join(t("format.list_separator"));
  return String(value);
}

function render(message) {
  return has(message.code) ? t(message.code, message.params || {}) : String(message.message ?? message.code);
}

/** A message from the server ({code, params, message}) in the page's language. */
export function say(message) {
  if (!message || typeof message !== "object") return String(message ?? "");
  return render(message);
}

/** A setting's label, and the label of one of its choices (the value itself when it has none). */
export function label(name) {
  return t(`setting.${name}.label`);
}

export function choiceLabel(name, value) {
  const key = `setting.${name}.choice.${value}`;
  return has(key) ? t(key) : String(value);
}

/** A number as the page's language writes it. */
export function formatNumber(value, options) {
  return new Intl.NumberFormat(lang, options).format(value);
}
