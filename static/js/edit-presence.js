// Tells the newsroom every minute that this story is still open here, so colleagues
// who open it see who is editing. Without JavaScript the notice simply expires.
(function () {
  "use strict";
  var script = document.querySelector("script[data-presence-url]");
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (!script || !token || !window.fetch) {
    return;
  }
  window.setInterval(function () {
    window.fetch(script.dataset.presenceUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token.value },
    }).catch(function () {});
  }, 60000);
})();
