/*!
 * yoron embed widget: a discussion under any article, rendered in a Shadow DOM.
 *
 *   <div id="yoron" data-thread-key="article-123"></div>
 *   <script src="https://comments.news.example/embed.js" data-site="news" async></script>
 *
 * Plain JavaScript with no dependencies and no build step: this file is served as written.
 * docs/embedding.md lists the data attributes, the --yoron-* custom properties, the CSP
 * the host page needs and how to add a language.
 */
(() => {
  "use strict";

  // document.currentScript is only set while this file first runs, also for async scripts.
  const script = document.currentScript;
  if (!script || !script.dataset.site) return;
  const SITE = script.dataset.site;
  const API = (script.dataset.api || new URL(script.src, location.href).origin).replace(/\/+$/, "");
  const DEVICE_KEY = "yoron:device:" + SITE;
  const SESSION_KEY = "yoron:session:" + SITE;
  const NAME_KEY = "yoron:name";
  const SORTS = ["oldest", "newest", "best", "top", "controversial"];
  const LEAD_MAX = 50000;

  // ---------------------------------------------------------------- languages
  // One object per language; a missing key falls back to English. Plural forms are keyed by
  // Intl.PluralRules categories. Other languages are files (static/lang/) or window.yoronLanguages.
  const SHIPPED = ["ja", "ru"];
  const LANGUAGES = {
    en: {
      comments: "Comments",
      sortBy: "Sort by",
      oldest: "Oldest",
      newest: "Newest",
      best: "Best",
      top: "Top",
      controversial: "Controversial",
      name: "Your name",
      comment: "Comment",
      replyTo: "Reply to {name}",
      editComment: "Edit your comment",
      post: "Post",
      save: "Save",
      cancel: "Cancel",
      reply: "Reply",
      quote: "Quote",
      edit: "Edit",
      delete: "Delete",
      confirmDelete: "Delete this comment?",
      keep: "Keep",
      preview: "Preview",
      voteUp: "Vote up",
      voteDown: "Vote down",
      votes: "Votes",
      loadMore: "Load more comments",
      newComments: { one: "{n} new comment", other: "{n} new comments" },
      inReplyTo: "in reply to {name}",
      edited: "edited",
      deleted: "This comment was deleted.",
      editableFor: "editable for {time}",
      closed: "Comments are closed.",
      noGuests: "This site takes comments from signed-in readers only.",
      empty: "No comments yet.",
      loading: "Loading comments…",
      quotingArticle: "Quoting the article",
      quotingComment: "Quoting {name}",
      removeQuote: "Remove the quote link",
      suggestions: "Participants",
      needName: "Please enter your name.",
      needBody: "Please write something first.",
      posted: "Your comment was posted.",
      offline: "yoron could not be reached. Try again.",
      failed: "Something went wrong. Try again.",
      signIn: "Sign in",
      signOut: "Sign out",
      report: "Report",
      reason: "Reason",
      spam: "Spam",
      abuse: "Abuse or harassment",
      off_topic: "Off topic",
      misinformation: "Misinformation",
      other: "Something else",
      reportNote: "Note for the moderators (optional)",
      sendReport: "Send report",
      reported: "Reported. Thank you.",
      postAnyway: "Post anyway",
      awaiting: "Awaiting moderation: others will see it once a moderator approves it.",
      acknowledge: "I have read the warning",
      acknowledged: "Thank you. You can comment again.",
      picks: "Editors' picks",
      allComments: "All comments",
      pick: "Editors' pick",
      fromModerators: "From the moderators:",
      removed: "This comment was removed by a moderator.",
      premoderated: "A moderator reviews comments here before they appear.",
    },
  };
  Object.assign(LANGUAGES, window.yoronLanguages);
  const REASONS = ["spam", "abuse", "off_topic", "misinformation", "other"];

  function pickLanguage(...wanted) {
    for (const tag of wanted) {
      const lower = (tag || "").toLowerCase();
      for (const lang of [lower, lower.split("-")[0]]) if (LANGUAGES[lang] || SHIPPED.includes(lang)) return lang;
    }
    return "en";
  }

  // A script, not a fetch: no CORS needed, and the page's CSP already allows yoron's scripts.
  function loadLanguage(lang) {
    if (!SHIPPED.includes(lang)) return Promise.resolve();
    return new Promise((done) => {
      const tag = document.createElement("script");
      tag.onload = tag.onerror = done;
      tag.src = trustedURL(new URL(`/static/lang/${lang}.js`, script.src).href);
      document.head.append(tag);
    })
      .catch(() => null) // Trusted Types refused yoron's policy: English it is
      .then(() => (LANGUAGES[lang] = window.yoronLanguages?.[lang]));
  }

  // ---------------------------------------------------------------- storage and API
  const memory = {};
  const store = (area) => ({
    get: (key) => {
      try {
        return area().getItem(key);
      } catch {
        return memory[key] ?? null;
      }
    },
    set: (key, value) => {
      memory[key] = value;
      try {
        area().setItem(key, value);
      } catch {
        /* storage disabled: keep it for this page only */
      }
    },
  });
  const local = store(() => localStorage);
  const session = store(() => sessionStorage);

  class Failure extends Error {
    constructor(message, code) {
      super(message);
      this.code = code;
    }
  }

  /** Call the API. The device token goes in a header: third-party cookies are blocked in many
   * browsers (yoron's HttpOnly cookie still helps where it is same-site). Public, cacheable reads
   * go without either (no preflight) and are revalidated (ETag, usually a 304), so that a reader
   * never sees a page older than their own write. */
  async function api(method, path, body, withDevice = true) {
    const headers = {};
    const token = withDevice && local.get(DEVICE_KEY);
    if (token) headers["X-Yoron-Device"] = token;
    const signedIn = withDevice && local.get(SESSION_KEY);
    if (signedIn) headers["X-Yoron-Session"] = signedIn;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(API + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: withDevice ? "include" : "omit",
        cache: method === "GET" ? "no-cache" : "default",
      });
    } catch {
      throw new Failure(text("offline"), "offline");
    }
    const issued = response.headers.get("X-Yoron-Device");
    if (issued) local.set(DEVICE_KEY, issued);
    const data = await response.json().catch(() => null);
    if (!response.ok) throw new Failure(data?.error?.message || text("failed"), data?.error?.code);
    return data;
  }

  // ---------------------------------------------------------------- small helpers
  let locale = "en";
  let strings = LANGUAGES.en;
  let plurals = new Intl.PluralRules("en");

  /** A string of the page's language; {name} placeholders filled, numbers formatted, plurals chosen. */
  function text(key, vars = {}) {
    let value = strings[key] ?? LANGUAGES.en[key];
    if (typeof value === "object") value = value[plurals.select(vars.n)] ?? value.other;
    return value.replace(/\{(\w+)\}/g, (_, name) =>
      typeof vars[name] === "number" ? vars[name].toLocaleString(locale) : vars[name]
    );
  }

  /** Build an element: h("button", {type: "button", onclick}, "Text"). */
  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value == null || value === false) continue;
      if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
      else if (key === "class") el.className = value;
      else if (key in el && !key.includes("-")) el[key] = value;
      else el.setAttribute(key, value === true ? "" : value);
    }
    el.append(...children.flat().filter((child) => child != null && child !== false));
    return el;
  }

  const enc = encodeURIComponent;
  // Comment HTML is sanitized by yoron; pages that enforce Trusted Types can allow this policy.
  let policy = null;
  try {
    policy = window.trustedTypes?.createPolicy("yoron", { createHTML: (html) => html, createScriptURL: (url) => url });
  } catch {
    /* the page's CSP does not list "yoron" among its trusted-types policies */
  }
  const trusted = (html) => (policy ? policy.createHTML(html) : html);
  const trustedURL = (url) => (policy ? policy.createScriptURL(url) : url);
  let uid = 0;
  const nextId = () => "y" + ++uid;

  const UNITS = [
    ["year", 31536000],
    ["month", 2592000],
    ["week", 604800],
    ["day", 86400],
    ["hour", 3600],
    ["minute", 60],
  ];

  function clock(ms) {
    const s = Math.ceil(ms / 1000);
    const pad = (n) => String(n).padStart(2, "0");
    const hours = Math.floor(s / 3600);
    const rest = `${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
    return hours ? `${hours}:${rest}` : rest.replace(/^0/, "");
  }

  /** Markdown-escape a line of quoted text so the server sees the same words as the reader. */
  function escapeLine(line) {
    return line
      .replace(/[\\`*_[\]<>~|#&!]/g, "\\$&")
      .replace(/^([-+])(?=\s|$)/, "\\$1")
      .replace(/^(\d+)([.)])(?=\s|$)/, "$1\\$2");
  }

  function quoteBlock(words) {
    return words
      .trim()
      .split(/\s*\n\s*/)
      .filter(Boolean)
      .map((line) => "> " + escapeLine(line))
      .join("\n>\n");
  }

  const mentionKey = (name) => name.normalize("NFKC").toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");
  const mentionOf = (name) => name.trim().replace(/[^\p{L}\p{N}_.-]+/gu, "_").replace(/[._-]+$/, "");

  // ---------------------------------------------------------------- styles
  const DARK = `--yoron-fg:#e8e9eb;--yoron-bg:#15171a;--yoron-muted:#a9aeb6;--yoron-line:#3a3f47;
    --yoron-surface:#1f2329;--yoron-accent:#7db6ff;--yoron-on-accent:#0d1117;--yoron-ok:#6fd39a;
    --yoron-warn:#ffab7a;--yoron-focus:#7db6ff;color-scheme:dark;`;
  const CSS = `
:host{--yoron-fg:#1c1d1f;--yoron-bg:#fff;--yoron-muted:#595d64;--yoron-line:#d5d8dd;--yoron-surface:#f3f5f8;
  --yoron-accent:#0b5cad;--yoron-on-accent:#fff;--yoron-ok:#17703a;--yoron-warn:#a4400c;--yoron-focus:#0b5cad;
  --yoron-radius:6px;--yoron-indent:1.5rem;color-scheme:light;
  display:block;color:var(--yoron-fg);background:var(--yoron-bg);font-family:var(--yoron-font,inherit);
  font-size:var(--yoron-font-size,1rem);line-height:1.5;padding:var(--yoron-padding,.75rem 1rem);
  border-radius:var(--yoron-radius)}
@media (prefers-color-scheme:dark){:host(:not([data-theme=light])){${DARK}}}
:host([data-theme=dark]){${DARK}}
*{box-sizing:border-box}
[hidden]{display:none!important}
a{color:var(--yoron-accent)}
h2{font-size:1.3em;margin:0}
.head{display:flex;flex-wrap:wrap;gap:.5em 1em;align-items:center;justify-content:space-between;margin:0 0 .5em}
.count{color:var(--yoron-muted);font-weight:400}
button,input,textarea,select{font:inherit;color:inherit}
button{padding:.3em .8em;border:1px solid var(--yoron-line);border-radius:var(--yoron-radius);
  background:var(--yoron-surface);cursor:pointer}
button:hover{border-color:var(--yoron-muted)}
button:disabled{opacity:.6;cursor:progress}
.primary,[aria-pressed=true]{background:var(--yoron-accent);border-color:var(--yoron-accent);color:var(--yoron-on-accent)}
:focus-visible{outline:3px solid var(--yoron-focus);outline-offset:2px}
input,textarea,select{background:var(--yoron-bg);border:1px solid var(--yoron-line);border-radius:var(--yoron-radius);padding:.4em}
input,textarea{display:block;width:100%}
textarea{resize:vertical;min-height:5.5em}
label{font-weight:600}
.form label{display:block;margin:.5em 0 .2em}
.form{margin:.5em 0 1em}
.row{display:flex;flex-wrap:wrap;gap:.5em;align-items:center;margin-top:.5em}
.note{margin:.4em 0 0;font-size:.875em;color:var(--yoron-muted)}
.note button{font-size:.9em;padding:0 .5em;margin-inline-start:.4em}
.list,.picks{list-style:none;margin:0;padding:0}
.c{border-top:1px solid var(--yoron-line);padding:.75em 0;margin-inline-start:calc(var(--d,0)*var(--yoron-indent))}
.c.fresh{animation:fresh 3s}
@keyframes fresh{from{background:var(--yoron-surface)}}
.meta{display:flex;flex-wrap:wrap;gap:.2em .7em;align-items:baseline;font-size:.875em;color:var(--yoron-muted)}
.au{font-weight:700;color:var(--yoron-fg)}
.body{overflow-wrap:anywhere}
.body p{margin:.4em 0}
.body blockquote{margin:.5em 0;padding:.2em .8em;border-inline-start:4px solid var(--yoron-line);background:var(--yoron-surface)}
.body .quote-verified{border-color:var(--yoron-ok)}
.body .quote-unverified{border-color:var(--yoron-warn)}
.quote-source{font-size:.8em;color:var(--yoron-muted)}
.body pre{overflow-x:auto;background:var(--yoron-surface);padding:.5em}
.preview{border:1px dashed var(--yoron-line);border-radius:var(--yoron-radius);padding:0 .8em;margin-top:.5em}
.foot{display:flex;flex-wrap:wrap;gap:.4em .6em;align-items:center;margin-top:.3em;font-size:.9em}
.foot button{padding:.1em .6em}
.vote{display:inline-flex;gap:.3em;align-items:center}
.tally{font-variant-numeric:tabular-nums;white-space:pre}
.own{display:inline-flex;gap:.5em;align-items:center}
.left{color:var(--yoron-muted);font-size:.9em}
.tomb{color:var(--yoron-muted);font-style:italic;margin:0}
.notice{border-inline-start:4px solid var(--yoron-accent);background:var(--yoron-surface);padding:.4em .8em}
.pick{color:var(--yoron-accent);border:1px solid;border-radius:var(--yoron-radius);padding:0 .4em}
.err button{margin-inline-start:.5em}
.err{color:var(--yoron-warn);margin:.3em 0 0}
.err:empty{display:none}
.newbar{position:sticky;top:.5em;height:0;z-index:2;text-align:center}
.more{display:block;margin:1em auto}
.empty{color:var(--yoron-muted)}
.menu{list-style:none;margin:.2em 0 0;padding:.2em;border:1px solid var(--yoron-line);border-radius:var(--yoron-radius);
  background:var(--yoron-bg);max-width:20em}
.menu li{padding:.15em .5em;cursor:pointer;border-radius:var(--yoron-radius)}
.menu [aria-selected=true]{background:var(--yoron-accent);color:var(--yoron-on-accent)}
.qb{position:fixed;z-index:2147483000;box-shadow:0 2px 8px #0005}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;

  function adoptStyles(root) {
    // A constructed sheet is not subject to the host page's style-src CSP; <style> is the fallback.
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } catch {
      root.append(h("style", {}, CSS));
    }
  }

  // ---------------------------------------------------------------- the widget
  async function mount(host) {
    const data = host.dataset;
    const canonical = document.querySelector('link[rel="canonical"]')?.href;
    const pageUrl = location.href.split("#")[0];
    const key = data.threadKey || canonical || pageUrl;
    const articleEl =
      (data.article && document.querySelector(data.article)) || host.closest("article") || host.parentElement;
    const lang = (locale = pickLanguage(data.lang, document.documentElement.lang));
    const first = begin(); // under way while a language file loads
    first.catch(() => null); // boot() shows its failure
    await loadLanguage(lang);
    strings = { ...LANGUAGES.en, ...LANGUAGES[lang] };
    plurals = new Intl.PluralRules(lang);
    const relative = new Intl.RelativeTimeFormat(lang, { numeric: "auto" });
    const absolute = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });

    const root = host.attachShadow({ mode: "open" });
    adoptStyles(root);

    const S = {
      thread: null,
      display: "nested",
      maxDepth: 4,
      sort: null,
      cursor: null,
      readOnly: false,
      guests: true,
      count: 0,
      votes: {},
      editable: {},
      own: new Set(),
      held: [],
      shown: new Map(),
      pending: new Set(),
      posting: Promise.resolve(),
      main: null,
      composer: null,
      quote: null,
    };

    // Static parts of the shell.
    const headingId = nextId();
    const alert = h("p", { class: "err", role: "alert" });
    const live = h("div", { class: "sr", role: "status", "aria-live": "polite" });
    const count = h("span", { class: "count" });
    const sortSelect = h(
      "select",
      { id: nextId(), onchange: () => changeSort(sortSelect.value) },
      SORTS.map((sort) => h("option", { value: sort }, text(sort)))
    );
    const newButton = h("button", { type: "button", class: "primary", hidden: true, onclick: showNew });
    const list = h("ol", { class: "list", "aria-labelledby": headingId });
    const empty = h("p", { class: "empty", hidden: true }, text("empty"));
    const more = h("button", { type: "button", class: "more", hidden: true, onclick: loadMore }, text("loadMore"));
    const quoteButton = h(
      "button",
      {
        type: "button",
        class: "qb primary",
        hidden: true,
        onmousedown: (event) => event.preventDefault(), // keep the selection while clicking
        onclick: () => {
          if (S.quote) insertQuote(S.quote.words, S.quote.source);
          quoteButton.hidden = true;
        },
      },
      text("quote")
    );
    const acct = h("p", { class: "note" });
    const note = h("p", { class: "empty" });
    const top = h("div", { class: "top" }, acct, note);
    const status = h("p", { class: "empty" }, text("loading"));
    const picksTab = h("button", { type: "button", onclick: () => showTab(true) }, text("picks"));
    const allTab = h("button", { type: "button", onclick: () => showTab(false) }, text("allComments"));
    const tabs = h("div", { class: "row", hidden: true }, picksTab, allTab);
    const picks = h("ol", { class: "picks", "aria-label": text("picks"), hidden: true });
    const all = h("div", {}, list, empty, more);

    const section = h(
      "section",
      { "aria-labelledby": headingId, "aria-busy": "true", lang },
      h(
        "div",
        { class: "head" },
        h("h2", { id: headingId }, text("comments"), " ", count),
        h("span", {}, h("label", { htmlFor: sortSelect.id }, text("sortBy")), " ", sortSelect)
      ),
      alert,
      status,
      top,
      tabs,
      h("div", { class: "newbar" }, newButton),
      live,
      all,
      picks
    );
    root.append(quoteButton, section);
    const busy = (on) => section.setAttribute("aria-busy", String(on));

    function announce(message) {
      live.textContent = "";
      setTimeout(() => (live.textContent = message), 60);
    }

    function setCount(n) {
      S.count = Math.max(0, n);
      count.textContent = `(${S.count.toLocaleString(locale)})`;
    }

    // ------------------------------------------------------------ loading
    async function findThread() {
      try {
        return await api("GET", `/api/v1/threads?site=${enc(SITE)}&key=${enc(key)}`, undefined, false);
      } catch (error) {
        if (error.code !== "thread_not_found") throw error;
      }
      // First visit: create it, with the article's text so that quotes of it can be verified.
      return api(
        "POST",
        "/api/v1/threads",
        {
          site: SITE,
          key,
          title: data.title || document.title || key,
          url: data.url || canonical || pageUrl,
          lead: (articleEl?.innerText || "").slice(0, LEAD_MAX),
        },
        false
      );
    }

    async function begin() {
      // The host page signs its reader in with a token it made (docs/sso.md).
      const user = data.ssoToken
        ? await api("POST", "/api/v1/auth/sso", { site: SITE, token: data.ssoToken })
            .then((r) => (local.set(SESSION_KEY, r.session_token), r.user))
            .catch(() => null)
        : await me();
      const [site, thread] = await Promise.all([
        api("GET", `/api/v1/sites/${enc(SITE)}`, undefined, false).catch(() => null),
        findThread(),
      ]);
      return { user, site, thread };
    }

    async function boot() {
      try {
        const { user, site, thread } = await first;
        S.user = user;
        S.thread = thread;
        S.readOnly = thread.state !== "open";
        S.guests = site?.guests_allowed ?? true;
        setCount(thread.comment_count);
        if (thread.notice) {
          top.before(h("p", { class: "notice", role: "note" }, h("strong", {}, text("fromModerators")), " ", thread.notice));
        }
        await Promise.all([loadPage(true), loadPicks()]);
        status.remove();
        account();
        listen();
        setInterval(tick, 1000);
        document.addEventListener("selectionchange", () => requestAnimationFrame(checkSelection));
        addEventListener("scroll", () => quoteButton.hidden || checkSelection(), { passive: true });
      } catch (error) {
        status.remove();
        alert.textContent = error.message;
      } finally {
        busy(false);
      }
    }

    async function me() {
      return local.get(SESSION_KEY) && (await api("GET", "/api/v1/auth/me").catch(() => ({}))).user;
    }

    /** Sign in (a window of yoron's, docs/embedding.md) or out, unless the host page signs readers
     * in; then the composer that fits. */
    function account() {
      acct.replaceChildren(
        ...("ssoToken" in data
          ? []
          : S.user
            ? [S.user.display_name, h("button", { type: "button", onclick: signOut }, text("signOut"))]
            : [h("button", { type: "button", onclick: signIn }, text("signIn"))])
      );
      S.main?.form.remove();
      S.main = null;
      note.hidden = !(note.textContent = S.readOnly ? text("closed") : S.guests || S.user ? "" : text("noGuests"));
      if (note.hidden) top.append((S.main = composer({})).form);
    }

    function signIn() {
      open(`${API}/auth/signin?site=${enc(SITE)}&popup=1&origin=${enc(location.origin)}`, "yoron", "popup,width=480,height=640");
    }

    async function signOut() {
      await api("POST", "/api/v1/auth/signout", {}).catch(() => null);
      who("");
    }

    async function who(token) {
      local.set(SESSION_KEY, token);
      S.user = await me();
      S.own.clear();
      account();
      loadPage(true).catch(() => null);
    }

    addEventListener("message", (e) => e.origin == new URL(API).origin && e.data?.yoron == "session" && who(e.data.token));

    /** The reader's own votes and editable comments (known by token, or by yoron's cookie when
     * it is same-site), kept out of the comment pages so that those stay cacheable. */
    async function loadMe() {
      const me = await api("GET", `/api/v1/threads/${S.thread.id}/me`);
      S.votes = me.votes;
      S.editable = {};
      for (const [id, deadline] of Object.entries(me.editable)) {
        S.editable[id] = Date.parse(deadline);
        S.own.add(+id);
      }
      S.held = me.held;
      for (const c of S.held) S.own.add(c.id);
    }

    async function loadPage(reset, sort) {
      const query = new URLSearchParams();
      if (data.pageSize) query.set("limit", data.pageSize);
      if (sort || S.sort) query.set("sort", sort || S.sort);
      if (!reset && S.cursor) query.set("cursor", S.cursor);
      const [page] = await Promise.all([
        api("GET", `/api/v1/threads/${S.thread.id}/comments?${query}`, undefined, false),
        reset ? loadMe().catch(() => null) : null,
      ]);
      S.display = page.display;
      S.maxDepth = page.max_depth;
      S.sort = sortSelect.value = page.sort;
      S.cursor = page.next_cursor;
      list.className = "list " + S.display;
      if (reset) {
        list.replaceChildren();
        S.shown.clear();
      }
      const added = [];
      for (const comment of page.items) {
        if (S.shown.has(comment.id)) continue;
        const item = commentItem(comment);
        list.append(item);
        added.push(item);
      }
      if (reset) for (const c of S.held) S.shown.has(c.id) || place(commentItem(c), c);
      more.hidden = !S.cursor;
      empty.hidden = list.childElementCount > 0;
      return added;
    }

    async function loadPicks() {
      const found = await api("GET", `/api/v1/threads/${S.thread.id}/featured`, undefined, false).catch(() => []);
      picks.replaceChildren(...found.map((comment) => commentItem(comment, true)));
      tabs.hidden = !found.length;
      showTab(found.length > 0);
    }

    function showTab(onPicks) {
      picksTab.setAttribute("aria-pressed", onPicks);
      allTab.setAttribute("aria-pressed", !onPicks);
      picks.hidden = !onPicks;
      all.hidden = onPicks;
    }

    async function loadMore() {
      more.disabled = true;
      busy(true);
      try {
        const added = await loadPage(false);
        added[0]?.querySelector("article").focus();
      } catch (error) {
        alert.textContent = error.message;
      } finally {
        more.disabled = false;
        busy(false);
      }
    }

    async function changeSort(sort) {
      sortSelect.disabled = true;
      busy(true);
      try {
        S.cursor = null;
        await loadPage(true, sort);
      } catch (error) {
        alert.textContent = error.message;
        sortSelect.value = S.sort;
      } finally {
        busy(false);
        sortSelect.disabled = false;
        sortSelect.focus();
      }
    }

    // ------------------------------------------------------------ one comment
    function commentItem(comment, flat) {
      const item = h("li", { class: "c" });
      item.dataset.id = comment.id;
      item.dataset.depth = comment.depth;
      item.style.setProperty("--d", S.display === "nested" && !flat ? Math.min(comment.depth, S.maxDepth) : 0);
      fill(item, comment);
      return item;
    }

    function fill(item, comment) {
      S.shown.set(comment.id, comment);
      const authorId = nextId();
      const box = h("article", { tabindex: -1, "aria-labelledby": authorId });
      item.replaceChildren(box);
      // Held comments come only from their writer's own post or edit.
      const held = comment.state === "pending" && S.own.has(comment.id);
      if (comment.state !== "published" && !held) {
        box.append(h("p", { class: "tomb", id: authorId }, text(comment.state === "deleted" ? "deleted" : "removed")));
        return;
      }
      const created = Date.parse(comment.created_at);
      const reply = comment.in_reply_to;
      const indented = +item.style.getPropertyValue("--d") === comment.depth;
      box.append(
        h(
          "header",
          { class: "meta" },
          h("span", { class: "au", id: authorId }, comment.author.name),
          h(
            "time",
            { dateTime: comment.created_at, title: absolute.format(created), "data-at": created },
            ago(created)
          ),
          comment.edited_at && h("span", {}, text("edited")),
          comment.featured && h("span", { class: "pick" }, text("pick")),
          reply && !indented && h("a", { href: "#c" + reply.id }, text("inReplyTo", { name: reply.name || "…" }))
        ),
        h("div", { class: "body", innerHTML: trusted(comment.html) }),
        held ? h("p", { class: "note" }, text("awaiting")) : "",
        footer(item, comment),
        h("p", { class: "err", role: "alert" }),
        h("div", { class: "slot" })
      );
    }

    function footer(item, comment) {
      const foot = h("div", { class: "foot" });
      const tally = h("span", { class: "tally" }, comment.tally);
      if (S.readOnly || S.own.has(comment.id)) foot.append(tally);
      else {
        const button = (value, label, symbol) =>
          h(
            "button",
            {
              type: "button",
              "aria-label": label,
              "aria-pressed": String(S.votes[comment.id] === value),
              "data-vote": value,
              onclick: () => vote(item, comment, value),
            },
            symbol
          );
        foot.append(
          h(
            "span",
            { class: "vote", role: "group", "aria-label": text("votes") },
            button(1, text("voteUp"), "▲"),
            tally,
            button(-1, text("voteDown"), "▼")
          )
        );
      }
      if (!S.readOnly && (S.guests || S.user) && comment.state === "published") {
        foot.append(
          h("button", { type: "button", onclick: () => openReply(item, comment) }, text("reply")),
          h(
            "button",
            {
              type: "button",
              onmousedown: (event) => event.preventDefault(), // keep a selection in the comment
              onclick: () => quoteComment(item, comment),
            },
            text("quote")
          )
        );
      }
      if (!S.own.has(comment.id)) {
        foot.append(h("button", { type: "button", onclick: (e) => openReport(item, comment, e.target) }, text("report")));
      }
      const deadline = S.editable[comment.id];
      if (!S.readOnly && deadline > Date.now()) {
        foot.append(
          h(
            "span",
            { class: "own" },
            h("button", { type: "button", onclick: () => openEdit(item, comment) }, text("edit")),
            h("button", { type: "button", onclick: (e) => askDelete(item, comment, e.target) }, text("delete")),
            h("span", { class: "left", "data-deadline": deadline }, text("editableFor", { time: clock(deadline - Date.now()) }))
          )
        );
      }
      return foot;
    }

    function ago(ms) {
      const seconds = Math.min(0, (ms - Date.now()) / 1000);
      if (seconds > -45) return relative.format(0, "second");
      for (const [unit, size] of UNITS) {
        if (-seconds >= size || unit === "minute") return relative.format(Math.round(seconds / size), unit);
      }
    }

    /** Once a second: count edit windows down (and drop the controls when they close); twice a
     * minute: refresh the relative times. */
    let ticks = 0;
    function tick() {
      const now = Date.now();
      for (const left of root.querySelectorAll("[data-deadline]")) {
        const remaining = +left.dataset.deadline - now;
        if (remaining > 0) left.textContent = text("editableFor", { time: clock(remaining) });
        else {
          const own = left.closest(".own");
          if (own.contains(root.activeElement)) own.closest("article").focus();
          own.remove();
        }
      }
      if (++ticks % 30 === 0) for (const time of root.querySelectorAll("time")) time.textContent = ago(+time.dataset.at);
    }

    const itemOf = (id) => list.querySelector(`li[data-id="${id}"]`);
    const errorOf = (item) => item.querySelector(".err");

    async function vote(item, comment, value) {
      const mine = S.votes[comment.id] || 0;
      errorOf(item).textContent = "";
      try {
        const result = await api("PUT", `/api/v1/comments/${comment.id}/vote`, {
          value: mine === value ? 0 : value,
        });
        S.votes[comment.id] = result.my_vote;
        Object.assign(comment, result);
        showVotes(item, comment);
      } catch (error) {
        errorOf(item).textContent = error.message;
      }
    }

    function showVotes(item, comment) {
      item.querySelector(".tally").textContent = comment.tally;
      for (const button of item.querySelectorAll("[data-vote]")) {
        button.setAttribute("aria-pressed", String(S.votes[comment.id] === +button.dataset.vote));
      }
    }

    /** Put a new comment where the list would have it: after its parent's replies when nested,
     * else at the end (at the top when sorted newest first). */
    function place(item, comment) {
      showTab(false);
      const parent = S.display === "nested" && comment.parent_id && itemOf(comment.parent_id);
      if (parent) {
        let last = parent;
        while (last.nextElementSibling && +last.nextElementSibling.dataset.depth > +parent.dataset.depth) {
          last = last.nextElementSibling;
        }
        last.after(item);
      } else if (S.sort === "newest") list.prepend(item);
      else list.append(item);
      empty.hidden = true;
    }

    function openReply(item, comment) {
      const slot = item.querySelector(".slot");
      const open = slot.querySelector("textarea"); // a reply or edit form (not a report)
      if (open) return open.focus();
      const form = composer({ parent: comment, returnTo: root.activeElement });
      slot.append(form.form);
      form.focus();
    }

    async function openEdit(item, comment) {
      const slot = item.querySelector(".slot");
      const open = slot.querySelector("textarea");
      if (open) return open.focus();
      const body = item.querySelector(".body");
      const form = composer({ edit: comment, item, source: await sourceOf(comment, body), returnTo: root.activeElement });
      body.hidden = true;
      slot.append(form.form);
      form.focus();
    }

    /** The Markdown of one's own comment: remembered from posting, else its text. */
    async function sourceOf(comment, body) {
      const remembered = session.get("yoron:body:" + comment.id);
      if (remembered) return remembered;
      const fresh = await api("GET", `/api/v1/comments/${comment.id}`, undefined, false).catch(() => null);
      if (typeof fresh?.body === "string") return fresh.body;
      return [...body.children]
        .map((block) =>
          block.tagName === "BLOCKQUOTE"
            ? quoteBlock([...block.children].filter((p) => !p.matches(".quote-source")).map((p) => p.innerText).join("\n"))
            : block.innerText
        )
        .join("\n\n");
    }

    function openReport(item, comment, button) {
      const slot = item.querySelector(".slot");
      if (slot.querySelector(".report")) return slot.querySelector(".report select").focus();
      const id = nextId();
      const reason = h("select", { id }, REASONS.map((value) => h("option", { value }, text(value))));
      const note = h("input", { id: id + "n", maxLength: 500 });
      const error = h("p", { class: "err", role: "alert" });
      const close = () => (form.remove(), button.focus());
      const form = h(
        "form",
        { class: "form report", onsubmit: send, onkeydown: (event) => event.key === "Escape" && close() },
        h("label", { htmlFor: id }, text("reason")),
        reason,
        h("label", { htmlFor: note.id }, text("reportNote")),
        note,
        h(
          "div",
          { class: "row" },
          h("button", { type: "submit", class: "primary" }, text("sendReport")),
          h("button", { type: "button", onclick: close }, text("cancel"))
        ),
        error
      );
      slot.append(form);
      reason.focus();

      async function send(event) {
        event.preventDefault();
        try {
          await api("POST", `/api/v1/comments/${comment.id}/report`, { reason: reason.value, note: note.value.trim() || null });
          form.remove();
          button.replaceWith(h("span", { class: "left" }, text("reported")));
          item.querySelector("article").focus();
          announce(text("reported"));
        } catch (failure) {
          error.textContent = failure.message;
        }
      }
    }

    function askDelete(item, comment, button) {
      const slot = item.querySelector(".slot");
      const no = h("button", { type: "button", onclick: () => (box.remove(), button.focus()) }, text("keep"));
      const yes = h(
        "button",
        {
          type: "button",
          class: "primary",
          onclick: async () => {
            yes.disabled = true;
            try {
              const gone = await api("DELETE", `/api/v1/comments/${comment.id}`);
              fill(item, gone);
              setCount(S.count - 1);
              item.querySelector("article").focus();
            } catch (error) {
              errorOf(item).textContent = error.message;
              yes.disabled = false;
            }
          },
        },
        text("delete")
      );
      const box = h("div", { class: "row", role: "group", "aria-label": text("confirmDelete") }, text("confirmDelete"), yes, no);
      slot.querySelector(".row[role=group]")?.remove();
      slot.append(box);
      yes.focus();
    }

    // ------------------------------------------------------------ the composer
    /** A form to post (options: parent) or to edit (options: edit, its item, source). */
    function composer(options) {
      const { parent, edit } = options;
      const id = nextId();
      let quoteOf = null;
      let menuItems = [];
      let active = -1;
      const error = h("p", { class: "err", role: "alert" });
      const name = !edit && !S.user && h("input", { id: id + "n", autocomplete: "nickname", required: true, maxLength: 80 });
      if (name) name.value = local.get(NAME_KEY) || "";
      const area = h("textarea", {
        id: id + "b",
        rows: 4,
        required: true,
        "aria-autocomplete": "list",
        "aria-controls": id + "m",
        oninput: suggest,
        onclick: suggest,
        onkeydown: keys,
        onfocus: () => (S.composer = self),
        onblur: () => setTimeout(closeMenu, 150),
      });
      if (edit) area.value = options.source;
      const menu = h("ul", { id: id + "m", class: "menu", role: "listbox", hidden: true, "aria-label": text("suggestions") });
      const quoteNote = h("p", { class: "note", hidden: true });
      const preview = h("div", { class: "body preview", hidden: true, "aria-live": "polite" });
      const previewButton = h(
        "button",
        { type: "button", "aria-pressed": "false", onclick: togglePreview },
        text("preview")
      );
      const submit = h("button", { type: "submit", class: "primary" }, edit ? text("save") : text("post"));
      const cancel = (parent || edit) && h("button", { type: "button", onclick: close }, text("cancel"));
      const label = edit ? text("editComment") : parent ? text("replyTo", { name: parent.author.name }) : text("comment");
      const form = h(
        "form",
        { class: "form", noValidate: true, onsubmit: (event) => (event.preventDefault(), send()) },
        name && [h("label", { htmlFor: name.id }, text("name")), name],
        h("label", { htmlFor: area.id }, label),
        area,
        menu,
        quoteNote,
        preview,
        !edit && S.thread.premoderated && h("p", { class: "note" }, text("premoderated")),
        h("div", { class: "row" }, submit, previewButton, cancel),
        error
      );

      const self = { form, focus, addQuote, area };

      function focus() {
        (name && !name.value ? name : area).focus();
      }

      function close() {
        form.remove();
        const item = edit && options.item;
        if (item) item.querySelector(".body").hidden = false;
        if (S.composer === self) S.composer = null;
        (options.returnTo?.isConnected ? options.returnTo : item?.querySelector("article"))?.focus();
      }

      function addQuote(words, source) {
        const block = quoteBlock(words);
        if (!block) return;
        area.value = (area.value.trim() ? area.value.replace(/\s*$/, "\n\n") : "") + block + "\n\n";
        if (!edit) {
          quoteOf = source;
          const comment = S.shown.get(source);
          quoteNote.replaceChildren(
            source === "article" ? text("quotingArticle") : text("quotingComment", { name: comment?.author.name || "#" + source }),
            h(
              "button",
              { type: "button", "aria-label": text("removeQuote"), onclick: () => ((quoteOf = null), (quoteNote.hidden = true), area.focus()) },
              "×"
            )
          );
          quoteNote.hidden = false;
        }
        area.focus();
        area.setSelectionRange(area.value.length, area.value.length);
        form.scrollIntoView({ block: "nearest" });
      }

      async function togglePreview() {
        const on = previewButton.getAttribute("aria-pressed") !== "true";
        previewButton.setAttribute("aria-pressed", String(on));
        preview.hidden = !on;
        if (!on) return;
        try {
          preview.innerHTML = trusted((await api("POST", "/api/v1/preview", { body: area.value })).html);
        } catch (failure) {
          preview.textContent = failure.message;
        }
      }

      async function send(nudged = false) {
        error.textContent = "";
        const body = area.value.trim();
        if (name && !name.value.trim()) {
          error.textContent = text("needName");
          return name.focus();
        }
        if (!body) {
          error.textContent = text("needBody");
          return area.focus();
        }
        submit.disabled = true;
        try {
          if (edit) {
            const saved = await api("PATCH", `/api/v1/comments/${edit.id}`, { body, nudged });
            session.set("yoron:body:" + saved.id, body);
            const { item } = options;
            if (saved.state !== edit.state) setCount(S.count - 1); // held again
            fill(item, saved);
            item.querySelector("article").focus();
            return;
          }
          const payload = { body, nudged };
          if (name) local.set(NAME_KEY, (payload.author_name = name.value.trim()));
          if (parent) payload.parent_id = parent.id;
          if (quoteOf != null) payload.quote_of = quoteOf;
          const request = api("POST", `/api/v1/threads/${S.thread.id}/comments`, payload);
          // Live events for this comment may arrive before the response: they wait for it.
          S.posting = request.catch(() => null);
          const posted = await request;
          S.own.add(posted.id);
          session.set("yoron:body:" + posted.id, body);
          await loadMe().catch(() => null);
          const item = commentItem(posted);
          place(item, posted);
          const held = posted.state === "pending";
          if (!held) setCount(S.count + 1);
          announce(text(held ? "awaiting" : "posted"));
          if (parent) close();
          else {
            area.value = "";
            quoteOf = null;
            quoteNote.hidden = preview.hidden = true;
            previewButton.setAttribute("aria-pressed", "false");
          }
          item.querySelector("article").focus();
        } catch (failure) {
          error.replaceChildren(failure.message);
          if (failure.code === "nudge") {
            error.append(" ", h("button", { type: "button", onclick: () => send(true) }, text("postAnyway")));
          } else if (failure.code === "warned") {
            error.append(" ", h("button", { type: "button", onclick: acknowledge }, text("acknowledge")));
          }
        } finally {
          submit.disabled = false;
        }
      }

      async function acknowledge() {
        try {
          await api("POST", `/api/v1/sites/${enc(SITE)}/warnings/acknowledge`, {});
          error.textContent = text("acknowledged");
          area.focus();
        } catch (failure) {
          error.textContent = failure.message;
        }
      }

      // @mention completion from the names of the participants shown.
      function suggest() {
        const before = area.value.slice(0, area.selectionStart);
        const match = /(?:^|[^\p{L}\p{N}_@])@([\p{L}\p{N}_.-]*)$/u.exec(before);
        if (!match) return closeMenu();
        const typed = mentionKey(match[1]);
        const names = new Set();
        for (const comment of S.shown.values()) {
          const author = comment.author?.name;
          if (author && mentionKey(author).startsWith(typed)) names.add(author);
        }
        menuItems = [...names].slice(0, 8);
        if (!menuItems.length) return closeMenu();
        active = 0;
        menu.replaceChildren(
          ...menuItems.map((author, index) =>
            h(
              "li",
              {
                id: `${id}o${index}`,
                role: "option",
                onmousedown: (event) => {
                  event.preventDefault();
                  accept(index);
                },
              },
              author
            )
          )
        );
        menu.hidden = false;
        highlight();
      }

      function highlight() {
        menu.querySelectorAll("li").forEach((li, index) => li.setAttribute("aria-selected", String(index === active)));
        area.setAttribute("aria-activedescendant", `${id}o${active}`);
      }

      function closeMenu() {
        menu.hidden = true;
        menuItems = [];
        area.removeAttribute("aria-activedescendant");
      }

      function accept(index) {
        const caret = area.selectionStart;
        const before = area.value.slice(0, caret).replace(/@[\p{L}\p{N}_.-]*$/u, "@" + mentionOf(menuItems[index]) + " ");
        area.value = before + area.value.slice(caret);
        area.setSelectionRange(before.length, before.length);
        closeMenu();
        area.focus();
      }

      function keys(event) {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          return form.requestSubmit();
        }
        if (menu.hidden) {
          if (event.key === "Escape" && (parent || edit)) close();
          return;
        }
        const step = { ArrowDown: 1, ArrowUp: -1 }[event.key];
        if (step) active = (active + step + menuItems.length) % menuItems.length;
        else if (event.key === "Enter" || event.key === "Tab") accept(active);
        else if (event.key === "Escape") closeMenu();
        else return;
        event.preventDefault();
        if (!menu.hidden) highlight();
      }

      return self;
    }

    // ------------------------------------------------------------ quoting
    function target() {
      return S.composer?.form.isConnected ? S.composer : S.main;
    }

    function insertQuote(words, source) {
      target()?.addQuote(words, source);
    }

    /** Quote a comment: the words selected in it, else all of it. */
    function quoteComment(item, comment) {
      const selected = currentSelection();
      const body = item.querySelector(".body");
      const words =
        selected && body.contains(selected.node)
          ? selected.words
          : [...body.children].filter((el) => !el.matches(".quote-source")).map((el) => el.innerText).join("\n");
      insertQuote(words, comment.id);
    }

    function currentSelection() {
      const selection = document.getSelection();
      if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
      let range = selection.getRangeAt(0);
      try {
        // Where the browser hides selections inside shadow trees, ask for them by name.
        let ranges;
        try {
          ranges = selection.getComposedRanges({ shadowRoots: [root] });
        } catch {
          ranges = selection.getComposedRanges(root); // Safari 17 takes the roots as arguments
        }
        const [inside] = ranges;
        if (inside && root.contains(inside.startContainer)) {
          range = document.createRange();
          range.setStart(inside.startContainer, inside.startOffset);
          range.setEnd(inside.endContainer, inside.endOffset);
        }
      } catch {
        /* older browsers: the plain range will do */
      }
      const common = range.commonAncestorContainer;
      const node = common.nodeType === 1 ? common : common.parentElement;
      const words = (root.contains(node) ? range.toString() : selection.toString()).trim();
      return words && node ? { words, node, range } : null;
    }

    function checkSelection() {
      const selected = currentSelection();
      let source = null;
      if (selected && !S.readOnly && S.main) {
        const { node } = selected;
        if (root.contains(node)) {
          const item = node.closest(".body:not(.preview)")?.closest(".c");
          if (item) source = +item.dataset.id;
        } else if (articleEl?.contains(node) && !host.contains(node)) source = "article";
      }
      if (source == null) {
        quoteButton.hidden = true;
        S.quote = null;
        return;
      }
      S.quote = { words: selected.words, source };
      const box = selected.range.getBoundingClientRect();
      quoteButton.hidden = false;
      const left = Math.max(4, Math.min(innerWidth - quoteButton.offsetWidth - 4, box.left + box.width / 2 - quoteButton.offsetWidth / 2));
      quoteButton.style.left = left + "px";
      quoteButton.style.top = Math.max(4, Math.min(innerHeight - quoteButton.offsetHeight - 4, box.bottom + 8)) + "px";
    }

    // ------------------------------------------------------------ live updates
    function listen() {
      if (!window.EventSource) return;
      const events = new EventSource(`${API}/api/v1/threads/${S.thread.id}/events`);
      let refreshTimer = 0;
      events.addEventListener("comment", async (message) => {
        let event;
        try {
          event = JSON.parse(message.data);
        } catch {
          return;
        }
        const id = event.comment_id;
        if (event.kind === "created") {
          await S.posting; // our own comment is known once its POST answers
          if (S.own.has(id) || S.shown.has(id)) return;
          S.pending.add(id);
          showPending();
        } else if (!refreshTimer) {
          // Votes, edits, deletions: re-read the first page (cached bytes) once things settle,
          // and update the comments in view without adding or moving any.
          refreshTimer = setTimeout(() => {
            refreshTimer = 0;
            refresh().catch(() => null);
          }, 1500);
        }
      });
    }

    async function refresh() {
      const query = new URLSearchParams({ sort: S.sort });
      if (data.pageSize) query.set("limit", data.pageSize);
      const page = await api("GET", `/api/v1/threads/${S.thread.id}/comments?${query}`, undefined, false);
      for (const comment of page.items) {
        const item = itemOf(comment.id);
        const before = S.shown.get(comment.id);
        if (!item || !before) continue;
        if (comment.state !== before.state || comment.edited_at !== before.edited_at || comment.featured !== before.featured) {
          if (item.querySelector(".slot form")) continue; // do not pull a form from under the reader
          const focused = item.contains(root.activeElement);
          fill(item, comment);
          if (focused) item.querySelector("article").focus();
        } else if (comment.tally !== before.tally) {
          Object.assign(before, comment);
          showVotes(item, before);
        }
      }
    }

    let announceTimer = 0;
    function showPending() {
      const n = S.pending.size;
      newButton.hidden = !n;
      newButton.textContent = text("newComments", { n });
      clearTimeout(announceTimer);
      if (n) announceTimer = setTimeout(() => announce(text("newComments", { n })), 700);
    }

    async function showNew() {
      const ids = [...S.pending].sort((a, b) => a - b);
      S.pending.clear();
      showPending();
      const found = await Promise.all(
        ids.map((id) => api("GET", `/api/v1/comments/${id}`, undefined, false).catch(() => null))
      );
      let first = null;
      for (const comment of found) {
        if (!comment || comment.state !== "published" || S.shown.has(comment.id)) continue;
        const item = commentItem(comment);
        item.classList.add("fresh");
        place(item, comment);
        setCount(S.count + 1);
        first ||= item;
      }
      first?.querySelector("article").focus();
    }

    // Links to comments (#c12, from mentions and quote sources) scroll within the widget.
    root.addEventListener("click", (event) => {
      const link = event.target.closest?.('a[href^="#c"]');
      const item = link && itemOf(link.getAttribute("href").slice(2));
      if (!item) return;
      event.preventDefault();
      showTab(false);
      item.scrollIntoView({ block: "center" });
      item.querySelector("article").focus();
    });

    boot();
  }

  function start() {
    const host = document.getElementById("yoron");
    if (host && !host.shadowRoot) mount(host);
    else if (!host && document.readyState === "loading") document.addEventListener("DOMContentLoaded", start, { once: true });
  }
  start();
})();
