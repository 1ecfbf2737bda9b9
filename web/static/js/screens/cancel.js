// Cancelling an enrollment: asked on the page (not the browser's prompt), with a reason the
// audit trail keeps, and a clear way back. A cancelled student's prefill is forgotten.
import { post } from "../api.js";
import { field, h } from "../dom.js";
import { t } from "../i18n.js";

const PREFILL = "prefill";
const REASONS = ["cancel_reason_left", "cancel_reason_data", "cancel_reason_device", "cancel_reason_other"];

export function forgetPrefill() { sessionStorage.removeItem(PREFILL); }
export function rememberPrefill(prefill) { sessionStorage.setItem(PREFILL, JSON.stringify(prefill || {})); }
export function prefill() { return JSON.parse(sessionStorage.getItem(PREFILL) || "{}"); }

export function cancelControl(ctx) {
  const reason = h("select", { name: "cancel_reason" }, REASONS.map((key) => h("option", { value: key }, t(key))));
  const note = h("input", { name: "cancel_note", maxlength: "150", autocomplete: "off" });
  const dialog = h("dialog", { class: "confirm", "aria-labelledby": "cancel-title" },
    h("form", { method: "dialog" },
      h("h3", { id: "cancel-title" }, t("cancel_confirm_title")),
      h("p", {}, t("cancel_confirm_text")),
      field(t("cancel_reason"), reason),
      field(t("cancel_note"), note),
      h("div", { class: "actions" },
        h("button", { type: "submit", value: "back", class: "secondary" }, t("cancel_keep")),
        h("button", { type: "submit", value: "cancel", class: "danger-solid" }, t("cancel_do")))));
  dialog.addEventListener("close", () => {
    if (dialog.returnValue !== "cancel") return;
    const text = t(reason.value) + (note.value.trim() ? ": " + note.value.trim() : "");
    ctx.act(() => post("/api/enrollment/cancel", { reason: text.slice(0, 200) }));
  });
  const open = h("button", { class: "secondary danger", type: "button", onclick: () => { dialog.returnValue = ""; dialog.showModal(); } },
    t("cancel_enrollment"));
  return h("div", { class: "cancel" }, open, dialog);
}
