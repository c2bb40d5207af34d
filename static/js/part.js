/**
 * `part(root, name)`: the element a component calls `name`, looked up inside
 * the playground `root` it belongs to, never in the whole document.
 *
 * On the normal page the element's id is `name` itself (`#play-pause-button`).
 * On the compare page each side's copy of the playground markup has every id
 * prefixed with the side (`a-play-pause-button`), so that no id appears twice
 * in the document; the side's root carries the prefix as `data-id-prefix`
 * ("a-"), and every element inside it finds the prefix on its closest root.
 */

export function idPrefix(root) {
  const scope = root?.closest ? root.closest("[data-id-prefix]") : null;
  return scope ? scope.dataset.idPrefix : "";
}

export function part(root, name) {
  return root.querySelector(`#${CSS.escape(idPrefix(root) + name)}`);
}
