/*!
 * yoron comment counts for index pages.
 *
 *   <a href="/article-123#yoron" data-yoron-count="article-123">Comments</a>
 *   <script src="https://comments.news.example/count.js" data-site="news" async></script>
 *
 * Every element with data-yoron-count gets the number of published comments of that thread
 * key: one request per page (per 100 keys). data-yoron-template="{n} comments" shapes the text.
 */
(() => {
  "use strict";

  const script = document.currentScript;
  if (!script || !script.dataset.site) return;
  const site = script.dataset.site;
  const api = (script.dataset.api || new URL(script.src, location.href).origin).replace(/\/+$/, "");
  const CHUNK = 100;

  function fill(elements, counts) {
    for (const el of elements) {
      const n = counts[el.dataset.yoronCount];
      if (n === undefined) continue;
      const lang = el.closest("[lang]")?.lang || undefined;
      const number = n.toLocaleString(lang);
      el.textContent = (el.dataset.yoronTemplate || "{n}").replace("{n}", number);
      el.dataset.yoronCounted = String(n);
    }
  }

  function run() {
    const elements = [...document.querySelectorAll("[data-yoron-count]")];
    const keys = [...new Set(elements.map((el) => el.dataset.yoronCount).filter(Boolean))];
    for (let start = 0; start < keys.length; start += CHUNK) {
      const query = new URLSearchParams({ site });
      for (const key of keys.slice(start, start + CHUNK)) query.append("key", key);
      fetch(`${api}/api/v1/counts?${query}`, { credentials: "omit" })
        .then((response) => (response.ok ? response.json() : null))
        .then((data) => data && fill(elements, data.counts))
        .catch(() => {
          /* counts are decoration: leave the links as they are */
        });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run, { once: true });
  else run();
})();
