// Receipts on the tablet: the printer's state and the receipt preview after a commit, and an
// explicit reprint (marked CETAK ULANG on paper) from the visit's list of enrollments.
import { get, imageUrl, post } from "../api.js";
import { h } from "../dom.js";
import { pick } from "../i18n.js";
import { DONE_EXTRAS } from "./steps.js";
import { VISIT_EXTRAS } from "./visit.js";

const TEXT = {
  receipt: { id: "Tanda bukti", en: "Receipt" },
  preview: { id: "Pratinjau tanda bukti", en: "Receipt preview" },
  reprint: { id: "Cetak ulang", en: "Reprint" },
  reprinted: { id: "Cetak ulang dikirim ke printer.", en: "Reprint sent to the printer." },
  list: { id: "Cetak ulang tanda bukti", en: "Reprint a receipt" },
  none: { id: "Belum ada yang direkam.", en: "Nobody recorded yet." },
  queued: { id: "menunggu printer", en: "waiting for the printer" },
  printing: { id: "sedang dicetak", en: "printing" },
  printed: { id: "tercetak", en: "printed" },
  uncertain: { id: "mungkin belum tercetak: periksa, lalu cetak ulang", en: "may not have printed: check, then reprint" },
};
const PREVIEW_STYLE = "width: 20rem; max-width: 100%; background: #fff;";
// Scrolls inside a short box so that "next student" stays in reach on the tablet.
const BOX_STYLE = "display: inline-block; max-height: 18rem; overflow-y: auto; border: 1px solid #999;";

function jobState(job) {
  return job ? pick(TEXT[job.status]) : "";
}

async function printerLine(node) {
  const printer = await get("/api/receipts/printer").catch(() => null);
  if (!printer) return;
  node.className = "hint " + (printer.state === "ready" ? "ok" : printer.state === "unknown" ? "warn" : "bad");
  node.textContent = pick(printer.message) + (printer.queued ? " · " + printer.queued + " " + pick(TEXT.queued) : "");
}

function reprintButton(ctx, enrollmentId, after) {
  return h("button", {
    type: "button",
    onclick: async () => {
      const job = await ctx.act(() => post("/api/receipts/enrollments/" + enrollmentId + "/reprint"));
      if (job) after(job);
    },
  }, pick(TEXT.reprint));
}

function donePanel(ctx, snapshot) {
  const done = snapshot.last_committed || {};
  const panel = h("div", { class: "receipt" });
  if (!done.enrollment_id) return panel;
  const printer = h("p", { role: "status" });
  const job = h("p", { class: "hint" });
  const preview = h("div", { style: BOX_STYLE, tabindex: "0", "aria-label": pick(TEXT.preview) });
  async function load() {
    printerLine(printer);
    const jobs = await get("/api/receipts?enrollment_id=" + done.enrollment_id).catch(() => []);
    job.textContent = pick(TEXT.receipt) + " " + done.receipt_number + ": " + jobState(jobs[jobs.length - 1]);
    imageUrl("/api/receipts/enrollments/" + done.enrollment_id + "/preview.png").then((src) => {
      preview.innerHTML = "";
      preview.append(h("img", { class: "receipt-preview", alt: pick(TEXT.preview), src, style: PREVIEW_STYLE }));
    }).catch(() => {});
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
  const panel = h("details", { class: "card" }, h("summary", {}, pick(TEXT.list)), printer, list);
  async function load() {
    printerLine(printer);
    const rows = await get("/api/visits/" + visitId + "/enrollments").catch(() => []);
    const jobs = await get("/api/receipts").catch(() => []);
    const latest = {};
    for (const job of jobs) latest[job.enrollment_id] = job;
    list.innerHTML = "";
    const committed = rows.filter((row) => row.status === "committed");
    if (!committed.length) list.append(h("li", {}, pick(TEXT.none)));
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

DONE_EXTRAS.push(donePanel);
VISIT_EXTRAS.push(visitPanel);
