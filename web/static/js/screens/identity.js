// Identity: the applicant's data as on the KK. The station validates; the form helps.
import { post } from "../api.js";
import { field, formValues, h } from "../dom.js";
import { t } from "../i18n.js";
import { forgetPrefill, prefill } from "./cancel.js";

export function renderIdentity(ctx, snapshot) {
  const known = (snapshot.enrollment && snapshot.enrollment.identity) || {};
  const picked = prefill();
  const value = (name) => known[name] || picked[name] || "";
  const option = (name, current) => h("option", { value: name, selected: current === name }, t(name));
  const nikHint = h("p", { class: "hint", id: "nik-hint", "aria-live": "polite" });
  const nik = h("input", { name: "nik", inputmode: "numeric", autocomplete: "off", required: true, value: value("nik"), "aria-describedby": "nik-hint" });
  const form = h("form", { class: "grid2" },
    field(t("name"), h("input", { name: "name", required: true, autocomplete: "off", value: value("name") })),
    h("div", { class: "field" }, h("label", { for: "f-nik" }, t("nik")), Object.assign(nik, { id: "f-nik" }), nikHint),
    field(t("birth_date"), h("input", { name: "birth_date", type: "date", required: true, value: value("birth_date") })),
    // No default sex: a blank enrollment asks for it (a guess would flag a woman's NIK).
    field(t("sex"), h("select", { name: "sex", required: true },
      h("option", { value: "", selected: !value("sex") }, t("choose")),
      ["L", "P"].map((code) => h("option", { value: code, selected: value("sex") === code }, t("sex_" + code))))),
    field(t("birth_place"), h("input", { name: "birth_place", value: value("birth_place") })),
    field(t("marital_status"), h("select", { name: "marital_status" },
      ["belum_kawin", "kawin", "cerai_hidup", "cerai_mati"].map((s) => option(s, value("marital_status") || "belum_kawin")))),
    field(t("school_class"), h("input", { name: "school_class", value: value("school_class") })),
    field(t("nisn"), h("input", { name: "nisn", inputmode: "numeric", value: value("nisn") })),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary big" }, t("next"))));
  for (const extra of IDENTITY_EXTRAS) extra(ctx, form, nik, nikHint);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const result = await ctx.act(() => post("/api/enrollment/identity", formValues(form)));
    if (result) forgetPrefill();
  });
  return form;
}

// Live NIK validation and region names plug in here.
export const IDENTITY_EXTRAS = [];
