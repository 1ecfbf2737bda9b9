// Receipts on the tablet: the printer's state and the receipt preview after a commit, and an
// explicit reprint (marked CETAK ULANG on paper) from the visit's list of enrollments.
import { get, post, showImage } from "../api.js";
import { h } from "../dom.js";
import { pick, t } from "../i18n.js";
import { DONE_EXTRAS } from "./steps.js";
import { VISIT_EXTRAS } from "./visit.js";

const PREVIEW_STYLE = "width: 20rem; max-width: 100%; background: #fff;";
// Scrolls inside a short box so that "next student" stays in reach on the tablet.
const BOX_STYLE = "display: inline-block; max-height: 18rem; overflow-y: auto; border: 1px solid #999;";

function jobState(job) {
  return job ? t("receipt_status_" + job.status) : "";
}

async function printerLine(node) {
  let printer;
  try { printer = await get("/api/receipts/printer"); } catch (error) {
    node.className = "hint bad";
    node.textContent = pick(error.text) || error.message;
    return;
  }
  node.className = "hint " + (printer.state === "ready" ? "ok" : printer.state === "unknown" ? "warn" : "bad");
  node.textContent = pick(printer.message) + (printer.queued ? " · " + printer.queued + " " + t("receipt_status_queued") : "");
}

function reprintButton(ctx, enrollmentId, after) {
  return h("button", {
    type: "button",
    onclick: async () => {
      const job = await ctx.act(() => post("/api/receipts/enrollments/" + enrollmentId + "/reprint"));
      if (job) after(job);
    },
  }, t("receipt_reprint"));
}

function donePanel(ctx, snapshot) {
  const done = snapshot.last_committed || {};
  const panel = h("div", { class: "receipt" });
  if (!done.enrollment_id) return panel;
  const printer = h("p", { role: "status" });
  const job = h("p", { class: "hint" });
  const preview = h("div", { style: BOX_STYLE, tabindex: "0", role: "region", "aria-label": t("receipt_preview") });
  async function load() {
    printerLine(printer);
    let jobs;
    try { jobs = await get("/api/receipts?enrollment_id=" + done.enrollment_id); } catch (error) { ctx.showError(error); return; }
    job.textContent = t("receipt") + " " + done.receipt_number + ": " + jobState(jobs[jobs.length - 1]);
    const image = h("img", { class: "receipt-preview", alt: t("receipt_preview"), style: PREVIEW_STYLE });
    showImage(image, "/api/receipts/enrollments/" + done.enrollment_id + "/preview.png").then(() => {
      preview.innerHTML = "";
      preview.append(image);
    }).catch((error) => ctx.showError(error));
  }
  const follow = () => {};
  follow.event = (event) => { if (["printer", "receipt", "resync"].includes(event.type)) load(); };
  ctx.onSnapshot(follow);
  load();
  panel.append(printer, job, preview, h("div", { class: "actions" }, reprintButton(ctx, done.enrollment_id, load)));
  return panel;
}

function visitPanel(ctx, visitId) {
  const list = h("ul", { class: "receipts" });
  const printer = h("p", { role: "status" });
  const panel = h("details", { class: "card" }, h("summary", {}, t("receipt_list")), printer, list);
  async function load() {
    printerLine(printer);
    let rows, jobs;
    try {
      rows = await get("/api/visits/" + visitId + "/enrollments");
      jobs = await get("/api/receipts");
    } catch (error) { ctx.showError(error); return; }
    const latest = {};
    for (const job of jobs) latest[job.enrollment_id] = job;
    list.innerHTML = "";
    const committed = rows.filter((row) => row.status === "committed");
    if (!committed.length) list.append(h("li", {}, t("receipt_none")));
    for (const row of committed) {
      list.append(h("li", {},
        h("span", {}, (row.summary.name || "") + " · " + (row.summary.nik_masked || "") + " · " +
          (row.summary.receipt_number || "") + " · " + jobState(latest[row.id]) + " "),
        reprintButton(ctx, row.id, () => { ctx.showError(null); load(); })));
    }
  }
  panel.addEventListener("toggle", () => { if (panel.open) load(); });
  return panel;
}

// After a restart (power cut mid-print) the receipts left "uncertain" are offered here
// until the operator says whether they came out: a copy marked SALINAN, or "it did print".
function uncertainPanel(ctx) {
  const list = h("ul", { class: "receipts" });
  const panel = h("section", { class: "card uncertain-receipts", hidden: true, role: "region", "aria-label": t("receipt_uncertain_title") },
    h("h3", {}, t("receipt_uncertain_title")), h("p", { class: "hint warn" }, t("receipt_uncertain_hint")), list);
  function resolve(job, action) {
    return h("button", {
      type: "button",
      onclick: async () => {
        const done = await ctx.act(() => post("/api/receipts/jobs/" + job.job_id + "/" + action));
        if (done) load();
      },
    }, t(action === "copy" ? "receipt_copy" : "receipt_did_print"));
  }
  async function load() {
    let jobs;
    try { jobs = await get("/api/receipts/uncertain"); } catch (error) { ctx.showError(error); return; }
    list.innerHTML = "";
    panel.hidden = !jobs.length;
    for (const job of jobs) {
      list.append(h("li", {},
        h("span", {}, job.name + " · " + job.nik_masked + " · " + job.receipt_number + " "),
        resolve(job, "copy"), resolve(job, "printed")));
    }
  }
  const follow = () => {};
  follow.event = (event) => { if (event.type === "receipt") load(); };
  ctx.onSnapshot(follow);
  load();
  return panel;
}

DONE_EXTRAS.push(uncertainPanel, donePanel);
VISIT_EXTRAS.push((ctx) => uncertainPanel(ctx), visitPanel);
