// Article page: while entity tagging is queued or running, poll its state and swap in
// the re-rendered text (with entity marks) when it finishes, without a full reload.
(function () {
  "use strict";
  const page = document.querySelector(".article-page");
  if (!page) return;
  const status = document.getElementById("tagging-status");
  const badge = () => status.querySelector("[data-tagging-state]");
  const pending = (state) => state === "queued" || state === "running";
  let delay = 1000;

  async function poll() {
    try {
      const res = await fetch(page.dataset.taggingUrl, { headers: { Accept: "application/json" } });
      if (!res.ok) throw new Error(res.status);
      const job = await res.json();
      if (pending(job.state)) {
        badge().textContent = job.state === "queued" ? "Tagging queued" : "Tagging running";
        badge().className = "badge state-" + job.state;
        delay = Math.min(delay * 1.5, 10000);
        return setTimeout(poll, delay);
      }
      const text = await fetch(page.dataset.textUrl);
      if (text.ok) document.getElementById("article-text").innerHTML = await text.text();
      badge().dataset.taggingState = job.state;
      badge().className = "badge state-" + job.state;
      badge().textContent = job.state === "succeeded"
        ? "Tagged · " + job.mention_count + " mention" + (job.mention_count === 1 ? "" : "s")
        : "Tagging failed: " + job.last_error;
    } catch (err) {
      setTimeout(poll, 10000);
    }
  }
  const current = badge();
  if (current && pending(current.dataset.taggingState)) setTimeout(poll, delay);
})();
