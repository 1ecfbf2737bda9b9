// Views beside the enrollment: the dashboard, the day's end and the technician's page.
import { get, post } from "../api.js";
import { h } from "../dom.js";
import { pick, t } from "../i18n.js";
import { usbExport } from "./usb_export.js";

// Panels other capabilities add to the dashboard (today's report and chart).
export const DASHBOARD_EXTRAS = [];

function deviceList(ctx) {
  const health = ctx.app.health || { devices: {} };
  return h("ul", { class: "devices" }, Object.entries(health.devices).map(([kind, device]) =>
    h("li", { class: device.ok ? "ok" : "bad" }, h("strong", {}, t("device_" + kind)), " · ", device.adapter, " · ", pick(device.detail))));
}

function megabytes(bytes) { return (bytes / 1e6).toFixed(1) + " MB"; }

function uploadSummary(status) {
  const records = status.records || {};
  return h("div", { class: "upload-summary" },
    h("p", {}, t("records_sealed") + ": ", h("strong", {}, String((records.sealed || 0) + (records.batched || 0)))),
    h("p", {}, t("records_delivered") + ": ", h("strong", {}, String(records.delivered || 0))));
}

function dashboard(ctx) {
  const storage = (ctx.app.health && ctx.app.health.storage) || null;
  const pending = h("div", {});
  get("/api/upload").then((status) => pending.append(uploadSummary(status))).catch((error) => ctx.showError(error));
  return h("section", { class: "panel" },
    h("h2", {}, t("nav_dashboard")),
    h("div", { class: "dash" },
      h("section", { class: "card" }, h("h3", {}, t("pending_upload")), pending),
      h("section", { class: "card" }, h("h3", {}, t("storage")),
        storage ? h("p", { class: storage.low ? "hint bad" : "" }, t("storage_free", { free: storage.free_mb, total: storage.total_mb })) : h("p", {}, "—")),
      h("section", { class: "card" }, h("h3", {}, t("devices")), deviceList(ctx))),
    DASHBOARD_EXTRAS.map((extra) => extra(ctx)));
}

function dayEnd(ctx) {
  const summary = h("div", {});
  const bar = h("progress", { max: 1, value: 0, "aria-label": t("upload_progress") });
  const figures = h("p", { class: "upload-figures", "aria-live": "polite" });
  const outcome = h("p", { role: "status" });
  const start = h("button", { type: "button", class: "primary big", onclick: () => ctx.act(async () => {
    outcome.textContent = "";
    const status = await post("/api/upload");
    show(status);
  }) }, t("upload_start"));
  // A successful export replaces the last upload failure's message.
  const exportCard = usbExport(ctx, (status) => { outcome.textContent = ""; show(status); });

  function show(status) {
    summary.innerHTML = "";
    summary.append(uploadSummary(status));
    if (status.closed_and_exported) summary.append(h("p", { class: "hint ok day-exported" }, t("day_closed_exported")));
    start.disabled = Boolean(status.running);
    if (status.progress) progress(status.progress);
    if (status.error && !status.running) outcome.textContent = pick(status.error.message) || status.error.code;
  }
  function progress(p) {
    bar.max = Math.max(1, p.bytes_total);
    bar.value = p.bytes_done;
    const eta = p.eta_s === null || p.eta_s === undefined ? "—" : Math.round(p.eta_s) + " s";
    figures.textContent = t("upload_figures", {
      done: megabytes(p.bytes_done), total: megabytes(p.bytes_total),
      rate: (p.rate_bps * 8 / 1e6).toFixed(2), eta, retries: p.retries, state: t("upload_" + p.state),
    });
  }
  const listener = () => {};
  listener.event = (event) => {
    if (event.type !== "upload") return;
    if (event.data.progress) progress(event.data.progress);
    if (event.data.finished) {
      outcome.textContent = event.data.error ? (pick(event.data.error.message) || event.data.error.code) : t("upload_finished");
      get("/api/upload").then(show).catch(() => {});
    }
  };
  ctx.onSnapshot(listener);
  get("/api/upload").then(show).catch((error) => ctx.showError(error));
  return h("section", { class: "panel" },
    h("h2", {}, t("nav_dayend")),
    h("section", { class: "card" }, h("h3", {}, t("upload_title")), summary, bar, figures,
      h("div", { class: "actions" }, start), outcome),
    exportCard);
}

function technician(ctx) {
  const results = h("div", { class: "selftest-results", "aria-live": "polite" });
  const logs = h("pre", { class: "logs" });
  function test(device) {
    return h("button", { type: "button", onclick: () => ctx.act(async () => {
      results.innerHTML = "";
      results.append(h("p", {}, t("selftest_running", { device: t("selftest_" + device) })));
      const result = await post("/api/technician/selftest/" + device);
      results.innerHTML = "";
      results.append(h("p", { class: "hint ok" }, t("selftest_ok", { device: t("selftest_" + device) })));
      if (result.image_png_base64) results.append(h("img", { class: "test-image", alt: t("selftest_finger"), src: "data:image/png;base64," + result.image_png_base64 }));
      if (result.image_jpeg_base64) results.append(h("img", { class: "test-image", alt: t("selftest_photo"), src: "data:image/jpeg;base64," + result.image_jpeg_base64 }));
      if (result.quality) results.append(h("ul", {}, result.quality.checks.map((c) => h("li", { class: c.verdict }, pick(c.message)))));
    }) }, t("selftest_" + device));
  }
  async function loadLogs() {
    const lines = await get("/api/technician/logs?limit=200").catch((error) => { ctx.showError(error); return []; });
    logs.textContent = lines.map((l) => `${l.at} ${l.level.toUpperCase()} ${l.logger}: ${l.message}`).join("\n");
  }
  loadLogs();
  return h("section", { class: "panel" },
    h("h2", {}, t("nav_technician")),
    h("section", { class: "card" }, h("h3", {}, t("devices")), deviceList(ctx)),
    h("section", { class: "card" }, h("h3", {}, t("selftests")),
      h("div", { class: "actions" }, ["lights", "finger", "photo", "receipt"].map(test)), results),
    h("section", { class: "card" }, h("h3", {}, t("logs")),
      h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", onclick: loadLogs }, t("refresh"))), logs));
}

export const VIEWS = { dashboard, dayend: dayEnd, technician };
