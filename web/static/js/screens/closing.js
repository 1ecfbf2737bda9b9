// The end-of-flow answers (KK checked, IKD activation), asked at review and sent with the
// commit. No answer is preselected: "not asked" is a choice the operator makes, so the
// registry's IKD figures count only what the student really answered.
import { h } from "../dom.js";
import { t } from "../i18n.js";

export const IKD_CHOICES = ["activated_here", "will_activate", "declined", "unanswered"];

export function closingFields() {
  const kk = h("input", { type: "checkbox", name: "kk_checked" });
  const radios = IKD_CHOICES.map((value) => h("input", { type: "radio", name: "ikd", value }));
  const missing = h("p", { class: "hint bad", role: "alert", hidden: true }, t("ikd_choose"));
  for (const radio of radios) radio.addEventListener("change", () => { missing.hidden = true; });
  const node = h("fieldset", { class: "closing" },
    h("legend", {}, t("closing_title")),
    h("label", { class: "check" }, kk, t("kk_checked")),
    h("fieldset", { class: "choices" }, h("legend", {}, t("ikd")),
      radios.map((radio) => h("label", { class: "check" }, radio, t("ikd_" + radio.value)))),
    missing);
  return {
    node,
    // The answers, or null (and the question pointed out) when IKD is not chosen yet.
    values() {
      const chosen = radios.find((radio) => radio.checked);
      missing.hidden = Boolean(chosen);
      if (!chosen) { radios[0].focus(); return null; }
      return { kk_checked: kk.checked, ikd: chosen.value };
    },
  };
}

export function closingSummary(closing) {
  if (!closing) return null;
  return h("dl", { class: "closing-summary" },
    h("dt", {}, t("kk_checked")), h("dd", {}, closing.kk_checked ? t("yes") : t("no")),
    h("dt", {}, t("ikd")), h("dd", {}, t("ikd_" + closing.ikd)));
}
