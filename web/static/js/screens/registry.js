// Civil-registry parts of the tablet: live NIK check and region names on the identity
// step, the roster queue under the chosen visit, KK/IKD at the end, the day's report.
import { ApiError, currentToken, get, imageUrl, post, request } from "../api.js";
import { field, h } from "../dom.js";
import { language, pick } from "../i18n.js";
import { IDENTITY_EXTRAS } from "./identity.js";
import { DONE_EXTRAS, REVIEW_EXTRAS } from "./steps.js";
import { VISIT_EXTRAS } from "./visit.js";
import { DASHBOARD_EXTRAS } from "./views.js";

const WORDS = {
  acknowledge: ["Sudah dicek dengan KK: data NIK memang berbeda dari formulir", "Checked against the KK: the NIK's data really differs from the form"],
  roster: ["Daftar siswa", "Student list"],
  roster_import: ["Impor daftar siswa (CSV)", "Import the student list (CSV)"],
  letter: ["Nomor surat persetujuan kolektif sekolah", "School's collective consent letter number"],
  pick: ["Rekam", "Record"],
  absent: ["Tidak hadir", "Absent"],
  follow_up: ["Tindak lanjut", "Follow-up"],
  back_to_queue: ["Kembali ke antrean", "Back to the queue"],
  next_up: ["Berikutnya", "Next up"],
  waiting: ["menunggu", "waiting"], in_progress: ["sedang direkam", "in progress"], done: ["selesai", "done"],
  ineligible: ["tidak memenuhi syarat", "ineligible"],
  kk_checked: ["KK sudah diperiksa", "KK checked"],
  ikd: ["Aktivasi IKD", "IKD activation"],
  activated_here: ["Diaktifkan di sini", "Activated here"],
  will_activate: ["Akan aktivasi sendiri", "Will activate"],
  declined: ["Menolak", "Declined"],
  recorded_ok: ["Tercatat", "Recorded"],
  save_answers: ["Simpan jawaban", "Save answers"],
  save_letter: ["Simpan nomor surat", "Save letter number"],
  day_report: ["Laporan hari ini", "Today's report"],
  download_csv: ["Unduh CSV", "Download CSV"],
  printer_text: ["Ringkasan untuk printer", "Summary for the printer"],
  print_summary: ["Cetak ringkasan hari ini", "Print today's summary"],
  summary_printed: ["Ringkasan dicetak.", "Summary printed."],
  per_hour: ["Perekaman per jam", "Enrollments per hour"],
  recorded: ["Direkam", "Recorded"], first_time_voters: ["Pemilih pemula", "First-time voters"],
  with_finger_exceptions: ["Pengecualian jari (orang)", "Finger exceptions (people)"],
  duplicates_warned: ["Peringatan duplikat", "Duplicates warned"],
  receipts_printed: ["Tanda terima dicetak", "Receipts printed"],
  ikd_rate: ["Capaian IKD / target", "IKD rate / target"],
  cards_now: ["KTP-el bisa dicetak sekarang", "Cards printable now"],
  cards_later: ["KTP-el dicetak nanti", "Cards to print later"],
  cards_from: ["mulai", "from"],
  election: ["Tanggal pemilu", "Election date"],
  estimate: ["perkiraan", "estimate"],
};
const w = (key) => (WORDS[key] ? WORDS[key][language() === "en" ? 1 : 0] : key);

// --- identity: the NIK checked as it is typed ---------------------------------------------

IDENTITY_EXTRAS.push((ctx, form, nik, hint) => {
  const ack = h("label", { class: "check", hidden: true }, h("input", { type: "checkbox", name: "acknowledge_mismatch" }), w("acknowledge"));
  form.querySelector(".actions").before(ack);
  let timer = null;
  async function check() {
    const value = nik.value.trim();
    if (!value) { hint.textContent = ""; return; }
    const query = new URLSearchParams({ nik: value, marital_status: form.elements.marital_status.value });
    if (form.elements.birth_date.value) query.set("dob", form.elements.birth_date.value);
    if (form.elements.sex.value) query.set("sex", form.elements.sex.value);
    let result;
    try { result = await get("/api/registry/nik?" + query); } catch (error) { return; }
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

async function uploadCsv(visitId, file) {
  const response = await fetch(`/api/roster/visits/${visitId}/import`, {
    method: "POST", body: file, headers: { "Content-Type": "text/csv", Authorization: "Bearer " + currentToken() },
  });
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data && data.error);
  return data;
}

VISIT_EXTRAS.push((ctx, visitId) => {
  const report = h("pre", { class: "card roster-report", hidden: true });
  const list = h("ol", { class: "roster" });
  const next = h("p", { class: "notice" });
  const letter = h("input", { name: "letter", autocomplete: "off" });
  const panel = h("section", { class: "card", "aria-label": w("roster") }, h("h3", {}, w("roster")), next, list,
    field(w("roster_import"), h("input", { type: "file", accept: ".csv,text/csv", onchange: async (event) => {
      const file = event.target.files[0];
      if (!file) return;
      try {
        const result = await uploadCsv(visitId, file);
        report.textContent = pick(result.report);
        report.hidden = false;
        load();
      } catch (error) { ctx.showError(error); }
    } })),
    report,
    h("form", { class: "grid2", onsubmit: (event) => {
      event.preventDefault();
      ctx.act(() => request("PUT", `/api/roster/visits/${visitId}/consent-letter`, { reference: letter.value }));
    } }, field(w("letter"), letter), h("button", { type: "submit" }, w("save_letter"))));

  async function choose(student) {
    const picked = await ctx.act(() => post(`/api/roster/students/${student.id}/pick`));
    if (!picked) return;
    // The identity screen may already be drawn (from the event socket): draw it again.
    sessionStorage.setItem("prefill", JSON.stringify(picked.prefill));
    await ctx.refresh();
    ctx.rerender();
  }
  const setStatus = (student, status) => ctx.act(async () => { await post(`/api/roster/students/${student.id}/status`, { status }); load(); });

  async function load() {
    let queue;
    try { queue = await get(`/api/roster/visits/${visitId}`); } catch (error) { ctx.showError(error); return; }
    next.textContent = queue.next ? `${w("next_up")}: ${queue.next.name} (${queue.next.class_name || "-"})` : "";
    next.hidden = !queue.next;
    list.innerHTML = "";
    for (const s of queue.students) {
      const canPick = ["waiting", "absent", "follow_up"].includes(s.status);
      list.append(h("li", { class: "student " + s.status },
        h("strong", {}, s.name), ` ${s.class_name || ""} · ${w(s.status)}`, s.status_note ? ` · ${s.status_note[language() === "en" ? "en" : "id"]}` : "",
        canPick ? h("button", { type: "button", class: "primary", onclick: () => choose(s) }, w("pick")) : null,
        s.status === "waiting" ? [
          h("button", { type: "button", onclick: () => setStatus(s, "absent") }, w("absent")),
          h("button", { type: "button", onclick: () => setStatus(s, "follow_up") }, w("follow_up"))] : null,
        ["absent", "ineligible", "follow_up"].includes(s.status)
          ? h("button", { type: "button", onclick: () => setStatus(s, "waiting") }, w("back_to_queue")) : null));
    }
    const current = await get(`/api/roster/visits/${visitId}/consent-letter`).catch(() => null);
    if (current && current.reference && !letter.value) letter.value = current.reference;
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

// --- end of the flow: KK checked and IKD --------------------------------------------------

DONE_EXTRAS.push((ctx) => {
  const kk = h("input", { type: "checkbox", name: "kk_checked" });
  const ikd = h("select", { name: "ikd" }, ["activated_here", "will_activate", "declined"].map((v) => h("option", { value: v }, w(v))));
  const status = h("span", { class: "hint", role: "status" });
  return h("form", { class: "card closing", onsubmit: async (event) => {
    event.preventDefault();
    const saved = await ctx.act(() => post("/api/registry/closing", { kk_checked: kk.checked, ikd: ikd.value }));
    if (saved) status.textContent = w("recorded_ok");
  } }, h("label", { class: "check" }, kk, w("kk_checked")), field(w("ikd"), ikd),
  h("button", { type: "submit" }, w("save_answers")), status);
});

// --- dashboard: today's report -----------------------------------------------------------

DASHBOARD_EXTRAS.push((ctx) => {
  const figures = h("dl", { class: "report" });
  const warning = h("p", { class: "notice warn", role: "alert", hidden: true });
  const chart = h("div", { class: "chart" });
  const text = h("pre", { class: "receipt-text" });
  const printed = h("span", { class: "hint", role: "status" });
  const csv = h("button", { type: "button", onclick: async () => {
    const blob = await request("GET", "/api/reports/days/today/export.csv").catch((error) => ctx.showError(error));
    if (!blob) return;
    const link = h("a", { href: URL.createObjectURL(blob), download: "laporan-hari.csv" });
    link.click();
  } }, w("download_csv"));
  (async () => {
    try {
      const r = await get("/api/reports/days/today");
      const rate = r.ikd.rate === null ? "-" : Math.round(r.ikd.rate * 100) + "%";
      const later = r.cards.later_by_date.map((c) => `${c.count} ${w("cards_from")} ${c.from}`).join(", ");
      const election = `${r.cutoff.date}${r.cutoff.official ? "" : ` (${w("estimate")})`}`;
      const rows = [["recorded", r.recorded], ["election", election], ["first_time_voters", r.first_time_voters ?? "-"],
        ["L", r.by_sex.L], ["P", r.by_sex.P],
        ["with_finger_exceptions", r.with_finger_exceptions], ["duplicates_warned", r.duplicates_warned],
        ["receipts_printed", r.receipts_printed], ["cards_now", r.cards.now],
        ["cards_later", later ? `${r.cards.later}: ${later}` : r.cards.later],
        ["ikd_rate", `${rate} / ${Math.round(r.ikd.target_rate * 100)}%`]];
      for (const [key, value] of rows) figures.append(h("dt", {}, key === "L" || key === "P" ? key : w(key)), h("dd", {}, String(value)));
      if (r.cutoff.warning) warning.textContent = r.cutoff.warning[language() === "en" ? "en" : "id"];
      warning.hidden = !r.cutoff.warning;
      chart.append(h("img", { src: await imageUrl("/api/reports/days/today/per-hour.svg"), alt: w("per_hour") }));
      text.textContent = await request("GET", "/api/reports/days/today/summary.txt").then((b) => b.text());
    } catch (error) { ctx.showError(error); }
  })();
  return h("section", { class: "card" }, h("h3", {}, w("day_report")), warning, figures, chart, csv,
    h("h3", {}, w("printer_text")), text,
    h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", onclick: async () => {
      const done = await ctx.act(() => post("/api/reports/days/today/print"));
      if (done) printed.textContent = w("summary_printed");
    } }, w("print_summary")), printed));
});
