// Consent: the privacy notice, the applicant's consent and, under 18, the guardian's.
import { get, post } from "../api.js";
import { field, formValues, h, stepLayout } from "../dom.js";
import { t } from "../i18n.js";

export function renderConsent(ctx, snapshot) {
  const identity = snapshot.enrollment.identity || {};
  const form = h("form", { class: "consent" });
  const notice = [
    h("div", { class: "card notice-text" }, h("h3", {}, t("consent_notice_title")), h("p", {}, t("consent_notice"))),
    h("label", { class: "check" }, h("input", { type: "checkbox", name: "notice_shown" }), t("notice_shown")),
    h("label", { class: "check" }, h("input", { type: "checkbox", name: "applicant_agrees" }), t("applicant_agrees"))];
  const side = [];
  if (isMinor(identity.birth_date)) {
    const letter = h("input", { name: "collective_letter_ref", autocomplete: "off" });
    const offer = h("div", { class: "letter-offer" });
    side.push(h("p", { class: "notice" }, t("guardian_hint")), offer,
      field(t("guardian_name"), h("input", { name: "guardian_name", autocomplete: "off" })),
      field(t("guardian_relation"), h("input", { name: "guardian_relation", autocomplete: "off" })),
      field(t("collective_letter_ref"), letter));
    offerVisitLetter(ctx, snapshot.enrollment.visit_id, letter, offer);
  }
  side.push(h("div", { class: "actions" }, h("button", { type: "submit", class: "primary big" }, t("next"))));
  form.append(stepLayout(notice, side));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    ctx.act(() => post("/api/enrollment/consent", formValues(form)));
  });
  return form;
}

// The school's collective letter, saved on the visit, is offered for an under-18 student:
// one tap puts its number in the form (the station checks it against the visit's).
async function offerVisitLetter(ctx, visitId, input, offer) {
  let saved;
  try { saved = await get(`/api/roster/visits/${visitId}/consent-letter`); } catch (error) { ctx.showError(error); return; }
  if (!saved.reference) { offer.append(h("p", { class: "hint" }, t("letter_none"))); return; }
  const use = h("input", { type: "checkbox" });
  use.addEventListener("change", () => { input.value = use.checked ? saved.reference : ""; });
  offer.append(h("label", { class: "check" }, use, t("letter_use", { ref: saved.reference })));
}

function isMinor(birthDate) {
  if (!birthDate) return false;
  const born = new Date(birthDate);
  const now = new Date();
  const eighteen = new Date(born.getFullYear() + 18, born.getMonth(), born.getDate());
  return eighteen > now;
}
