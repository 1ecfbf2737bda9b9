// Consent: the privacy notice, the applicant's consent and, under 18, the guardian's.
import { post } from "../api.js";
import { field, formValues, h } from "../dom.js";
import { t } from "../i18n.js";

export function renderConsent(ctx, snapshot) {
  const identity = snapshot.enrollment.identity || {};
  const form = h("form", {},
    h("div", { class: "card notice-text" }, h("h3", {}, t("consent_notice_title")), h("p", {}, t("consent_notice"))),
    h("label", { class: "check" }, h("input", { type: "checkbox", name: "notice_shown" }), t("notice_shown")),
    h("label", { class: "check" }, h("input", { type: "checkbox", name: "applicant_agrees" }), t("applicant_agrees")));
  if (isMinor(identity.birth_date)) {
    form.append(h("p", { class: "notice" }, t("guardian_hint")),
      h("div", { class: "grid2" },
        field(t("guardian_name"), h("input", { name: "guardian_name" })),
        field(t("guardian_relation"), h("input", { name: "guardian_relation" })),
        field(t("collective_letter_ref"), h("input", { name: "collective_letter_ref" }))));
  }
  form.append(h("div", { class: "actions" }, h("button", { type: "submit", class: "primary big" }, t("next"))));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    ctx.act(() => post("/api/enrollment/consent", formValues(form)));
  });
  return form;
}

function isMinor(birthDate) {
  if (!birthDate) return false;
  const born = new Date(birthDate);
  const now = new Date();
  const eighteen = new Date(born.getFullYear() + 18, born.getMonth(), born.getDate());
  return eighteen > now;
}
