// The idle step: choose or create today's visit, then start an enrollment.
import { get, post } from "../api.js";
import { field, formValues, h, stepLayout } from "../dom.js";
import { t } from "../i18n.js";
import { forgetPrefill } from "./cancel.js";

export function renderVisit(ctx) {
  const list = h("div", { class: "visits" });
  const chosen = { id: Number(localStorage.getItem("visit")) || null };
  const start = h("div", { class: "start" });
  const extras = h("div", { class: "visit-extras" });

  async function load() {
    let visits;
    try { visits = await get("/api/visits"); } catch (error) { ctx.showError(error); return; }
    list.innerHTML = "";
    if (!visits.some((v) => v.id === chosen.id) && visits.length) chosen.id = visits[0].id;
    if (!visits.length) newVisit.open = true;
    for (const visit of visits) {
      list.append(h("button", {
        type: "button", class: "visit" + (visit.id === chosen.id ? " chosen" : ""), "aria-pressed": String(visit.id === chosen.id),
        onclick: () => { chosen.id = visit.id; localStorage.setItem("visit", visit.id); load(); },
      }, h("strong", {}, visit.school), h("span", {}, visit.date + " · " + t("recorded_count", { n: visit.recorded }))));
    }
    renderExtras();
  }

  function renderExtras() {
    start.innerHTML = "";
    extras.innerHTML = "";
    if (!chosen.id) return;
    start.append(h("div", { class: "actions" }, h("button", { type: "button", class: "primary big", onclick: () => {
      forgetPrefill();
      ctx.act(() => post("/api/enrollment/start", { visit_id: chosen.id }));
    } }, t("start_blank"))));
    for (const extra of VISIT_EXTRAS) extras.append(extra(ctx, chosen.id));
  }

  const today = new Date().toISOString().slice(0, 10);
  const form = h("form", { class: "card" },
    field(t("school"), h("input", { name: "school", required: true, minlength: 2, autocomplete: "off" })),
    field(t("npsn"), h("input", { name: "npsn", inputmode: "numeric", pattern: "[0-9]{8}" })),
    field(t("address"), h("input", { name: "address" })),
    field(t("date"), h("input", { name: "date", type: "date", value: today, required: true })),
    field(t("team"), h("input", { name: "team" })),
    h("button", { type: "submit" }, t("save")));
  const newVisit = h("details", { class: "new-visit" }, h("summary", {}, t("visit_new")), form);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const visit = await ctx.act(() => post("/api/visits", formValues(form)));
    if (visit) { chosen.id = visit.id; localStorage.setItem("visit", visit.id); form.reset(); newVisit.open = false; load(); }
  });
  load();
  return stepLayout(extras, [h("h3", {}, t("visit_choose")), list, start, newVisit], { sideFirst: true });
}

// Other capabilities (roster queue, reports) add panels under the chosen visit here.
export const VISIT_EXTRAS = [];
