// yoron's sign-in window, opened by the embed widget: hand the session to the page that opened
// it (addressed to that page's origin only, which the server checked is one of the site's), then
// close. Opened any other way, the page just says who is signed in.
(() => {
  "use strict";
  const data = document.getElementById("yoron-session")?.dataset;
  if (!data || !window.opener) return;
  window.opener.postMessage({ yoron: "session", token: data.token }, data.origin);
  window.close();
})();
