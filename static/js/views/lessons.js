/**
 * The lessons menu (#lessons): a list of short experiments, each a link that
 * sets the playground up and a few sentences of what to try. Opening one
 * loads its link (the page reloads on a new hash, as for any share link).
 * Titles and texts come from the catalogs (`lesson.<id>.title`, `lesson.<id>.text`).
 */

import { t } from "../i18n.js";

export class LessonsMenu {
  constructor(element, lessons) {
    const items = lessons.map((lesson) => {
      const item = document.createElement("li");
      item.dataset.lesson = lesson.id;
      const link = document.createElement("a");
      link.href = lesson.link;
      link.className = "lesson-link";
      link.textContent = t(`lesson.${lesson.id}.title`);
      const text = document.createElement("p");
      text.textContent = t(`lesson.${lesson.id}.text`);
      item.append(link, text);
      return item;
    });
    element.replaceChildren(...items);
  }
}
