// Civil-registry parts of the tablet: live NIK check and region names on the identity
// step, the roster queue under the chosen visit, KK/IKD at the end, the day's report.
import { download, get, post, request } from "../api.js";
import { field, h } from "../dom.js";
import { language, pick, t } from "../i18n.js";
import { IDENTITY_EXTRAS } from "./identity.js";
import { rememberPrefill } from "./cancel.js";
import { perHourChart } from "./chart.js";
import { REVIEW_EXTRAS } from "./steps.js";
import { VISIT_EXTRAS } from "./visit.js";
import { DASHBOARD_EXTRAS } from "./views.js";


// --- identity: the NIK checked as it is typed ---------------------------------------------

IDENTITY_EXTRAS.push((ctx, form, nik, hint) => {
  const ack = h("label", { class: "check", hidden: true }, h("input", { type: "checkbox", name: "acknowledge_mismatch" }), t("acknowledge"));
  form.querySelector(".actions").before(ack);
  let timer = null;
  async function check() {
    const value = nik.value.trim();
    if (!value) { hint.textContent = ""; return; }
    // In the body, never the URL: URLs end up in the station's access log.
    const query = { nik: value, marital_status: form.elements.marital_status.value };
    if (form.elements.birth_date.value) query.dob = form.elements.birth_date.value;
    if (form.elements.sex.value) query.sex = form.elements.sex.value;
    let result;
    try { result = await post("/api/registry/nik", query); } catch (error) {
      hint.className = "hint bad";
      hint.textContent = pick(error.text) || error.message;
      return;
    }
    const lines = [];
    if (result.region_name) lines.push(result.region_name);
    for (const finding of [...result.errors, ...result.warnings]) lines.push(pick(finding.message));
    if (result.eligibility && result.valid) lines.push(pick(result.eligibility.reason));
    hint.textContent = lines.join(" · ");
    const mismatch = result.warnings.some((f) => f.code.endsWith("_mismatch"));
    hint.className = "hint " + (!result.valid ? "bad" : result.warnings.length || (result.eligibility && !result.eligibility.may_record) ? "warn" : "ok");
    ack.hidden = !mismatch;
  }
  const soon = () => { clearTimeout(timer); timer = setTimeout(check, 250); };
  for (const name of ["nik", "birth_date", "sex", "marital_status"]) form.elements[name].addEventListener("input", soon);
  if (nik.value) check();
});

// --- visit: the roster queue ------------------------------------------------------------


VISIT_EXTRAS.push((ctx, visitId) => {
  const report = h("pre", { class: "card roster-report", hidden: true });
  const list = h("ol", { class: "roster" });
  const next = h("p", { class: "notice" });
  const letter = h("input", { name: "letter", autocomplete: "off" });
  const letterSaved = h("p", { class: "hint ok", role: "status" });
  const panel = h("section", { class: "card", "aria-label": t("roster") }, h("h3", {}, t("roster")), next, list,
    field(t("roster_import"), h("input", { type: "file", accept: ".csv,text/csv", onchange: async (event) => {
      const file = event.target.files[0];
      if (!file) return;
      const result = await ctx.act(() => request("POST", `/api/roster/visits/${visitId}/import`, file, "text/csv"));
      if (!result) return;
      report.textContent = pick(result.report);
      report.hidden = false;
      load();
    } })),
    report,
    h("form", { class: "letter-form", onsubmit: async (event) => {
      event.preventDefault();
      letterSaved.textContent = "";
      const saved = await ctx.act(() => request("PUT", `/api/roster/visits/${visitId}/consent-letter`, { reference: letter.value }));
      if (saved) letterSaved.textContent = t("letter_saved") + ": " + saved.reference;
    } }, field(t("letter"), letter), h("div", { class: "actions" }, h("button", { type: "submit" }, t("save_letter"))), letterSaved));

  async function choose(student) {
    // Kept before the answer's snapshot draws the identity screen, which reads it.
    const picked = await ctx.act(async () => {
      const answer = await post(`/api/roster/students/${student.id}/pick`);
      rememberPrefill(answer.prefill);
      return answer;
    });
    if (!picked) return;
    // The identity screen may already be drawn (from the event socket): draw it again.
    await ctx.refresh();
    ctx.rerender();
  }
  const setStatus = (student, status) => ctx.act(async () => { await post(`/api/roster/students/${student.id}/status`, { status }); load(); });

  // Marking a student absent (or for follow-up) takes a second, explicit tap: a slip of
  // the finger beside "Record" must not take a student out of the queue.
  function confirmStatus(student, status, actions) {
    actions.innerHTML = "";
    actions.append(
      h("span", { class: "confirm-text", role: "status" }, t("confirm_" + status).replace("{name}", student.name)),
      h("button", { type: "button", class: "danger-solid", onclick: () => setStatus(student, status) }, t("yes_" + status)),
      h("button", { type: "button", class: "secondary", onclick: () => load() }, t("keep_waiting")));
    actions.querySelector("button").focus();
  }

  async function load() {
    let queue;
    try { queue = await get(`/api/roster/visits/${visitId}`); } catch (error) { ctx.showError(error); return; }
    next.textContent = queue.next ? `${t("next_up")}: ${queue.next.name} (${queue.next.class_name || "-"})` : "";
    next.hidden = !queue.next;
    list.innerHTML = "";
    for (const s of queue.students) {
      const canPick = ["waiting", "absent", "follow_up"].includes(s.status);
      const status = h("div", { class: "row-status" });
      status.append(...[
        s.status === "waiting" ? [
          h("button", { type: "button", class: "secondary", onclick: () => confirmStatus(s, "absent", status) }, t("absent")),
          h("button", { type: "button", class: "secondary", onclick: () => confirmStatus(s, "follow_up", status) }, t("follow_up"))] : [],
        ["absent", "ineligible", "follow_up"].includes(s.status)
          ? h("button", { type: "button", class: "secondary", onclick: () => setStatus(s, "waiting") }, t("back_to_queue")) : []].flat());
      list.append(h("li", { class: "student " + s.status },
        h("div", { class: "who" }, h("strong", {}, s.name),
          h("span", {}, ` ${s.class_name || ""} · ${t(s.status)}`, s.status_note ? ` · ${s.status_note[language() === "en" ? "en" : "id"]}` : "")),
        h("div", { class: "row-pick" }, canPick ? h("button", { type: "button", class: "primary", onclick: () => choose(s) }, t("pick")) : null),
        status));
    }
    let current;
    try { current = await get(`/api/roster/visits/${visitId}/consent-letter`); } catch (error) { ctx.showError(error); return; }
    if (current.reference && !letter.value) letter.value = current.reference;
  }
  load();
  return panel;
});

// --- review: what the identity step found, so nothing flagged is forgotten -----------------

REVIEW_EXTRAS.push((ctx, snapshot) => {
  const identity = snapshot.enrollment.identity || {};
  const check = identity.nik_check || { warnings: [] };
  const lines = [check.region_name, ...check.warnings.map((f) => pick(f.message))];
  if (identity.eligibility) lines.push(pick(identity.eligibility.reason));
  return h("ul", { class: "notice" + (check.warnings.length ? " warn" : ""), "aria-label": "NIK" },
    lines.filter(Boolean).map((line) => h("li", {}, line)));
});

// --- dashboard: today's report -----------------------------------------------------------

DASHBOARD_EXTRAS.push((ctx) => {
  const figures = h("dl", { class: "report" });
  const warning = h("p", { class: "notice warn", role: "alert", hidden: true });
  const chart = h("div", { class: "chart" });
  const text = h("pre", { class: "receipt-text" });
  const printed = h("span", { class: "hint", role: "status" });
  const csv = h("button", { type: "button", onclick: () => ctx.act(() => download("/api/reports/days/today/export.csv", "laporan-hari.csv")) },
    t("download_csv"));
  (async () => {
    try {
      const r = await get("/api/reports/days/today");
      const rate = r.ikd.rate === null ? "-" : Math.round(r.ikd.rate * 100) + "%";
      const later = r.cards.later_by_date.map((c) => `${c.count} ${t("cards_from")} ${c.from}`).join(", ");
      const election = `${r.cutoff.date}${r.cutoff.official ? "" : ` (${t("estimate")})`}`;
      const rows = [["recorded", r.recorded], ["election", election], ["first_time_voters", r.first_time_voters ?? "-"],
        ["L", r.by_sex.L], ["P", r.by_sex.P],
        ["with_finger_exceptions", r.with_finger_exceptions], ["duplicates_warned", r.duplicates_warned],
        ["receipts_printed", r.receipts_printed], ["cards_now", r.cards.now],
        ["cards_later", later ? `${r.cards.later}: ${later}` : r.cards.later],
        ["ikd_rate", `${rate} / ${Math.round(r.ikd.target_rate * 100)}%`]];
      for (const [key, value] of rows) figures.append(h("dt", {}, key === "L" || key === "P" ? t("sex_" + key) : t(key)), h("dd", {}, String(value)));
      if (r.cutoff.warning) warning.textContent = r.cutoff.warning[language() === "en" ? "en" : "id"];
      warning.hidden = !r.cutoff.warning;
      chart.append(perHourChart(r.per_hour));
      text.textContent = await request("GET", "/api/reports/days/today/summary.txt").then((b) => b.text());
    } catch (error) { ctx.showError(error); }
  })();
  return h("section", { class: "card" }, h("h3", {}, t("day_report")), warning, figures, chart, csv,
    h("h3", {}, t("printer_text")), text,
    h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", onclick: async () => {
      const done = await ctx.act(() => post("/api/reports/days/today/print"));
      if (done) printed.textContent = t("summary_printed");
    } }, t("print_summary")), printed));
});
