// Photo: take it, show it to the applicant, and continue only with their approval.
import { post, showImage } from "../api.js";
import { h, stepLayout } from "../dom.js";
import { t } from "../i18n.js";

export function renderPhoto(ctx, snapshot) {
  const identity = snapshot.enrollment.identity || {};
  const year = identity.birth_date ? Number(identity.birth_date.slice(0, 4)) : null;
  const backdrop = year === null ? null : (year % 2 === 0 ? "blue" : "red");
  const live = h("div", { class: "live" });
  const still = h("div", { class: "still" });
  const checks = h("div", { class: "photo-checks" });
  const actions = h("div", { class: "actions" });
  const panel = h("div", { class: "photo-step" }, stepLayout(
    h("div", { class: "photo-row" }, live, still),
    [backdrop ? h("p", { class: "backdrop " + backdrop }, t("backdrop_expected") + ": " + t(backdrop)) : null,
      checks, actions]));
  for (const extra of PHOTO_EXTRAS) extra(ctx, { live, checks, actions, snapshot });

  // Synchronous, the picture filled in when it arrives: two snapshots in quick succession
  // must not show the photo (or the buttons) twice.
  function show(state) {
    const photos = state.enrollment ? state.enrollment.captures.photo : [];
    actions.querySelectorAll(".core").forEach((node) => node.remove());
    still.innerHTML = "";
    if (photos.length) {
      const image = h("img", { class: "photo", alt: t("step_photo") });
      still.append(image, h("p", { class: "notice" }, t("show_applicant")));
      showImage(image, "/api/enrollment/photo.jpg").catch((error) => ctx.showError(error));
      actions.append(
        h("button", { type: "button", class: "secondary core", onclick: () => ctx.act(() => post("/api/enrollment/photo/capture")) }, t("retake")),
        h("button", { type: "button", class: "primary big core", onclick: () => ctx.act(() => post("/api/enrollment/photo/approve")) }, t("approve_photo")));
    } else {
      actions.append(h("button", { type: "button", class: "primary big core", onclick: () => ctx.act(() => post("/api/enrollment/photo/capture")) }, t("take_photo")));
    }
  }
  show(snapshot);
  ctx.onSnapshot((state) => { if (state.step === "photo") show(state); });
  return panel;
}

// The live preview and quality feedback plug in here.
export const PHOTO_EXTRAS = [];
