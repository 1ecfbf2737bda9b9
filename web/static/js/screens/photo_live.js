// The photo step's live part: the camera preview (MJPEG), the quality checks as they
// change (photo_quality events, several a second), and "take anyway" for a photo that
// fails a check, which needs a reason and is recorded by the station.
import { currentToken, post } from "../api.js";
import { h } from "../dom.js";
import { pick, t } from "../i18n.js";
import { PHOTO_EXTRAS } from "./photo.js";

function livePreview(ctx, { live, checks: checkSlot, actions, snapshot }) {
  const checks = h("ul", { class: "checks", "aria-live": "polite", "aria-label": t("photo_checks") });
  live.append(h("img", { class: "preview", alt: t("camera_preview"), src: "/api/camera/preview.mjpg?token=" + encodeURIComponent(currentToken()) }));
  checkSlot.append(checks);

  const reason = h("input", { name: "override_reason", maxlength: "200", autocomplete: "off" });
  const reasonId = "override-reason";
  reason.id = reasonId;
  const override = h("details", { class: "override" },
    h("summary", {}, t("take_anyway")),
    h("p", { class: "hint" }, t("take_anyway_hint")),
    h("label", { for: reasonId }, t("override_reason")), reason,
    h("button", { type: "button", class: "secondary",
      onclick: () => ctx.act(() => post("/api/enrollment/photo/capture", { override: true, reason: reason.value })) },
    t("take_anyway_button")));
  actions.append(override);

  const showOverride = (state) => {
    const taken = state.enrollment && state.enrollment.captures.photo.length > 0;
    override.hidden = taken;
    if (taken) reason.value = "";
  };
  showOverride(snapshot);

  const listener = (state) => { if (state.step === "photo") showOverride(state); };
  listener.event = (event) => { if (event.type === "photo_quality") showChecks(checks, event.data); };
  ctx.onSnapshot(listener);
}

function showChecks(list, report) {
  list.innerHTML = "";
  if (report.camera) list.append(h("li", { class: "fail" }, pick(report.camera)));
  for (const check of report.checks) {
    const mark = check.verdict === "pass" ? "✓" : check.verdict === "fail" ? "✗" : "…";
    list.append(h("li", { class: check.verdict }, h("span", { class: "mark", "aria-hidden": "true" }, mark), " ", pick(check.message)));
  }
}

PHOTO_EXTRAS.push(livePreview);
