// Views beside the enrollment: dashboard, day's end, technician.
import { h } from "../dom.js";
import { pick, t } from "../i18n.js";

function deviceList(ctx) {
  const health = ctx.app.health || { devices: {} };
  return h("ul", { class: "devices" }, Object.entries(health.devices).map(([kind, device]) =>
    h("li", { class: device.ok ? "ok" : "bad" }, h("strong", {}, kind), " · " + device.adapter + " · " + pick(device.detail))));
}

export const VIEWS = {
  dashboard: (ctx) => h("section", { class: "panel" }, h("h2", {}, t("nav_dashboard")), deviceList(ctx)),
  dayend: () => h("section", { class: "panel" }, h("h2", {}, t("nav_dayend"))),
  technician: (ctx) => h("section", { class: "panel" }, h("h2", {}, t("nav_technician")), deviceList(ctx)),
};
