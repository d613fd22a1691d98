// The moderators' desk by keyboard: j/k move, a approve, r reject, b ban, f feature, u author,
// x select, Home/End jump; A, R and B act on the selection. Every action calls the JSON API and is audited there.
(() => {
  "use strict";
  const desk = document.querySelector(".desk");
  if (!desk) return;
  const site = desk.dataset.site;
  const queueName = desk.dataset.queue;
  const list = document.getElementById("queue");
  const status = document.getElementById("desk-status");
  const dialog = document.getElementById("confirm");
  const drawer = document.getElementById("drawer");
  const api = `/api/v1/moderation/${encodeURIComponent(site)}`;
  let current = 0;
  // Keys run one after another, each seeing the list as the previous one left it.
  let chain = Promise.resolve();

  const items = () => Array.from(list.querySelectorAll("li.item"));
  const say = (text) => { status.textContent = text; };

  function focusItem(index) {
    const all = items();
    if (!all.length) return;
    current = Math.max(0, Math.min(index, all.length - 1));
    all.forEach((li, i) => li.classList.toggle("current", i === current));
    all[current].focus();
  }

  function chosen() {
    const selected = items().filter((li) => li.classList.contains("selected"));
    return selected.length ? selected : items().slice(current, current + 1);
  }

  function toggleSelect(li) {
    li.classList.toggle("selected");
    li.querySelector("input.select").checked = li.classList.contains("selected");
  }

  async function call(path, body) {
    const response = await fetch(api + path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error((data.error && data.error.message) || response.statusText);
    return data;
  }

  // Resolves to the reason typed (possibly empty), or null when cancelled.
  function confirmWith(text, askReason) {
    return new Promise((resolve) => {
      document.getElementById("confirm-text").textContent = text;
      const reason = document.getElementById("confirm-reason");
      document.getElementById("confirm-reason-label").hidden = !askReason;
      reason.value = "";
      dialog.returnValue = "";
      dialog.addEventListener("close", () => {
        resolve(dialog.returnValue === "ok" ? reason.value : null);
        focusItem(current);
      }, { once: true });
      dialog.showModal();
      (askReason ? reason : document.getElementById("confirm-ok")).focus();
    });
  }

  function describe(lis) {
    const authors = new Set(lis.map((li) => li.dataset.author));
    const c = lis.length === 1 ? "1 comment" : `${lis.length} comments`;
    const a = authors.size === 1 ? "1 author" : `${authors.size} authors`;
    return { c, a, authors };
  }

  function removeItems(lis) {
    const all = items();
    const first = all.indexOf(lis[0]);
    lis.forEach((li) => li.remove());
    if (!items().length) {
      const more = document.getElementById("next-page");
      say("Queue cleared.");
      if (more) window.location.assign(window.location.href);
      else list.insertAdjacentHTML("beforebegin", '<p class="empty" id="queue-empty">Nothing here.</p>');
      return;
    }
    focusItem(first);
  }

  async function decide(action, lis, reason) {
    const ids = lis.map((li) => Number(li.dataset.id));
    await call("/decisions", { ids, action, reason: reason || null });
    const { c } = describe(lis);
    say(`${action === "approve" ? "Approved" : action === "reject" ? "Rejected" : "Updated"} ${c}.`);
    const stays = queueName === "all" || action === "feature" || action === "unfeature"
      || (queueName === "approved" && action === "approve") || (queueName === "rejected" && action === "reject");
    if (stays) {
      lis.forEach((li) => {
        li.classList.remove("selected");
        li.querySelector("input.select").checked = false;
        if (action === "feature" || action === "unfeature") li.classList.toggle("featured", action === "feature");
      });
    } else {
      removeItems(lis);
    }
  }

  async function ban(lis) {
    const { a, authors } = describe(lis);
    const theirs = items().filter((li) => authors.has(li.dataset.author));
    const text = `Ban ${a} and reject ${theirs.length === 1 ? "1 comment" : `${theirs.length} comments`}`
      + " in this queue (and any other open comments of theirs)?";
    const reason = await confirmWith(text, true);
    if (reason === null) return;
    for (const subject of authors) {
      await call("/sanctions", { subject, kind: "ban", reason, reject_comments: true });
    }
    say(`Banned ${a}.`);
    removeItems(theirs);
  }

  async function bulk(action, lis) {
    const { c, a } = describe(lis);
    const verb = action === "approve" ? "Approve" : "Reject";
    const reason = await confirmWith(`${verb} ${c} by ${a}?`, action === "reject");
    if (reason !== null) await decide(action, lis, reason);
  }

  async function openDrawer(li) {
    const response = await fetch(`/desk/${encodeURIComponent(site)}/authors/${encodeURIComponent(li.dataset.author)}?fragment=true`,
      { credentials: "same-origin" });
    drawer.innerHTML = await response.text();
    drawer.hidden = false;
    const heading = drawer.querySelector("h2");
    if (heading) { heading.tabIndex = -1; heading.focus(); }
  }

  const keys = {
    j: () => focusItem(current + 1),
    k: () => focusItem(current - 1),
    x: () => { const li = items()[current]; if (li) { toggleSelect(li); focusItem(current + 1); } },
    a: () => decide("approve", items().slice(current, current + 1)),
    r: async () => {
      const lis = items().slice(current, current + 1);
      const reason = await confirmWith("Reject this comment?", true);
      if (reason !== null) await decide("reject", lis, reason);
    },
    f: () => {
      const li = items()[current];
      return decide(li.classList.contains("featured") ? "unfeature" : "feature", [li]);
    },
    b: () => ban(items().slice(current, current + 1)),
    u: () => openDrawer(items()[current]),
    A: () => bulk("approve", chosen()),
    R: () => bulk("reject", chosen()),
    B: () => ban(chosen()),
    Home: () => focusItem(0),
    End: () => focusItem(items().length - 1),
    Escape: () => { drawer.hidden = true; focusItem(current); },
  };

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (dialog.open || event.ctrlKey || event.metaKey || event.altKey) return;
    if (target.closest && target.closest("input, textarea, select, [contenteditable]") && event.key !== "Escape") return;
    const run = keys[event.key];
    if (!run || (!items().length && event.key !== "Escape")) return;
    event.preventDefault();
    chain = chain.then(run).catch((error) => say(`Not done: ${error.message}`));
  });

  list.addEventListener("click", (event) => {
    const li = event.target.closest("li.item");
    if (!li) return;
    current = items().indexOf(li);
    if (event.target.matches("input.select")) li.classList.toggle("selected", event.target.checked);
  });

  items().forEach((li) => { if (li.querySelector(".context").textContent.includes("featured")) li.classList.add("featured"); });
  focusItem(0);

  if (window.EventSource) {
    const source = new EventSource(`${api}/events`);
    source.addEventListener("counts", (event) => {
      const counts = JSON.parse(event.data);
      document.getElementById("pending-count").textContent = counts.pending;
      document.getElementById("reported-count").textContent = counts.reported;
    });
  }
})();
