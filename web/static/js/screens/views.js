// Views beside the enrollment: the dashboard, the day's end and the technician's page.
import { get, post } from "../api.js";
import { h } from "../dom.js";
import { pick, t } from "../i18n.js";
import { usbExport } from "./usb_export.js";

// Panels other capabilities add to the dashboard (today's report and chart).
export const DASHBOARD_EXTRAS = [];

// How a device is connected, in words: never a raw adapter string or a simulator's pty path.
function connection(adapter, simulation) {
  if (simulation || adapter === "simulated") return t("adapter_simulated");
  if (adapter.startsWith("serial:")) return t("adapter_serial", { port: adapter.split("/").pop() });
  if (adapter === "picamera2") return t("adapter_picamera");
  if (adapter.startsWith("usb")) return t("adapter_usb");
  return t("adapter_other");
}

function deviceList(ctx) {
  const health = ctx.app.health || { devices: {} };
  return h("ul", { class: "devices" }, Object.entries(health.devices).map(([kind, device]) =>
    h("li", { class: device.ok ? "ok" : "bad" }, h("strong", {}, t("device_" + kind)), " · ", pick(device.detail),
      h("span", { class: "hint" }, " (" + connection(device.adapter, health.simulation) + ")"))));
}

function megabytes(bytes) { return (bytes / 1e6).toFixed(1) + " MB"; }

function uploadSummary(status) {
  const records = status.records || {};
  return h("div", { class: "upload-summary" },
    h("p", {}, t("records_sealed") + ": ", h("strong", {}, String((records.sealed || 0) + (records.batched || 0)))),
    h("p", {}, t("records_delivered") + ": ", h("strong", {}, String(records.delivered || 0))));
}

// Whether every committed record also sits on the USB stick (the second copy).
function secondCopyCard(copy) {
  if (!copy || !copy.enabled) return null;
  let line;
  if (copy.error) line = h("p", { class: "hint bad", role: "alert" }, pick(copy.error));
  else if (!copy.stick) line = h("p", { class: "hint warn" }, t("copy_no_stick", { n: copy.missing }));
  else if (copy.up_to_date) line = h("p", { class: "hint ok" }, t("copy_up_to_date", { n: copy.copied, stick: copy.stick }));
  else line = h("p", { class: "hint warn" }, t("copy_behind", { n: copy.missing, stick: copy.stick }));
  return h("section", { class: "card second-copy" }, h("h3", {}, t("copy_title")), line);
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
        storage ? h("p", { class: storage.low ? "hint bad" : "" }, t("storage_free", { free: storage.free_mb, total: storage.total_mb })) : h("p", {}, "—"),
        storage && storage.records_left !== undefined ? h("p", { class: "storage-left" + (storage.records_left < 20 ? " hint bad" : "") },
          t(storage.measured ? "storage_students" : "storage_students_typical", { n: storage.records_left, kb: Math.round(storage.per_record_bytes / 1000) })) : null,
        storage && storage.fault ? h("p", { class: "hint bad", role: "alert" }, pick(storage.fault.message)) : null),
      secondCopyCard(ctx.app.health && ctx.app.health.second_copy),
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
      // Sent but not acknowledged is not "finished": say why and what to do.
      const unacknowledged = (event.data.batches || []).filter((b) => b.no_ack).map((b) => pick(b.no_ack.message));
      outcome.textContent = event.data.error ? (pick(event.data.error.message) || event.data.error.code)
        : unacknowledged.length ? unacknowledged.join(" ") : t("upload_finished");
      get("/api/upload").then(show).catch((error) => ctx.showError(error));
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

// A supervisor lifts the lockout of an operator who mistyped the PIN too often.
function lockouts(ctx) {
  const list = h("ul", { class: "lockouts", "aria-live": "polite" });
  const outcome = h("p", { role: "status" });
  async function load() {
    const locked = await get("/api/auth/lockouts").catch((error) => { ctx.showError(error); return []; });
    list.innerHTML = "";
    if (!locked.length) list.append(h("li", {}, t("lockouts_none")));
    for (const operator of locked) {
      list.append(h("li", {}, h("button", { type: "button", class: "secondary", onclick: () => ctx.act(async () => {
        await post(`/api/auth/operators/${operator.id}/unlock`);
        outcome.textContent = t("unlocked", { name: operator.name });
        await load();
      }) }, t("unlock", { name: operator.name }))));
    }
  }
  load();
  return h("section", { class: "card" }, h("h3", {}, t("lockouts")), list, outcome);
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
    logs.textContent = lines.map((l) => `${l.local || l.at} ${l.level.toUpperCase()} ${l.logger}: ${l.message}`).join("\n");
  }
  loadLogs();
  return h("section", { class: "panel" },
    h("h2", {}, t("nav_technician")),
    h("section", { class: "card" }, h("h3", {}, t("devices")), deviceList(ctx)),
    ctx.app.operator && ctx.app.operator.role === "supervisor" ? lockouts(ctx) : null,
    h("section", { class: "card" }, h("h3", {}, t("selftests")),
      h("div", { class: "actions" }, ["lights", "finger", "photo", "receipt"].map(test)), results),
    h("section", { class: "card" }, h("h3", {}, t("logs")),
      h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", onclick: loadLogs }, t("refresh"))), logs));
}

export const VIEWS = { dashboard, dayend: dayEnd, technician };
