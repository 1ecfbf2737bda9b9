// Which screen shows each step of the enrollment.
import { post, showImage } from "../api.js";
import { h, onceButton, stepLayout } from "../dom.js";
import { pick, t } from "../i18n.js";
import { closingFields, closingSummary } from "./closing.js";
import { renderConsent } from "./consent.js";
import { renderFingerprints } from "./fingerprints.js";
import { renderIdentity } from "./identity.js";
import { renderPhoto } from "./photo.js";
import "./photo_live.js";
import { renderSignature } from "./signature.js";
import { renderVisit } from "./visit.js";

export const STEPS_SHOWN = ["identity", "consent", "photo", "fingerprints", "signature", "review", "committed"];

function fingerSummary(enrollment) {
  const fingers = (enrollment.fingerprints && enrollment.fingerprints.fingers) || [];
  const taken = fingers.filter((f) => f.status === "captured" || f.status === "force_captured").length;
  const exceptions = fingers.filter((f) => f.status === "exception");
  const total = fingers.length || enrollment.fingers_required.length;
  let text = t("fingers_taken", { n: taken, total });
  if (exceptions.length) {
    text += " · " + t("fingers_exceptions", { n: exceptions.length }) + ": " +
      exceptions.map((f) => t("finger_" + f.position) + (f.exception ? " (" + pick(f.exception.kind_name) + ")" : "")).join(", ");
  }
  return text;
}

function renderReview(ctx, snapshot) {
  const enrollment = snapshot.enrollment;
  const id = enrollment.identity;
  const rows = [["name", id.name], ["nik", id.nik], ["birth_date", id.birth_date], ["sex", t("sex_" + id.sex)],
    ["birth_place", id.birth_place], ["marital_status", t(id.marital_status || "belum_kawin")], ["school_class", id.school_class]];
  const photo = h("div", { class: "still" }, h("img", { class: "photo small", alt: t("step_photo") }));
  showImage(photo.firstChild, "/api/enrollment/photo.jpg").catch((error) => ctx.showError(error));
  const closing = closingFields();
  const commit = onceButton({ class: "primary big" }, t("commit"), async () => {
    const answers = closing.values();
    if (answers) await ctx.act(() => post("/api/enrollment/commit", answers));
  });
  return h("div", { class: "review" }, stepLayout(
    h("div", { class: "review-row" },
      h("dl", {}, rows.filter(([, v]) => v).map(([k, v]) => [h("dt", {}, t(k)), h("dd", {}, v)])),
      photo),
    [h("p", { class: "fingers-summary" }, t("step_fingerprints") + ": " + fingerSummary(enrollment)),
      h("p", {}, t("step_signature") + ": " + (enrollment.captures.signature.length ? "✓" : "—")),
      REVIEW_EXTRAS.map((extra) => extra(ctx, snapshot)),
      closing.node,
      h("div", { class: "actions" }, commit)]));
}

function renderDone(ctx, snapshot) {
  const done = snapshot.last_committed || {};
  const next = onceButton({ class: "primary big" }, t("next_student"), () => ctx.act(() => post("/api/enrollment/next")));
  return h("div", { class: "finished" }, stepLayout(
    DONE_EXTRAS.map((extra) => extra(ctx, snapshot)),
    [h("p", { class: "success" }, t("saved")),
      h("p", {}, (done.name || "") + " · " + (done.nik_masked || "")),
      h("p", {}, t("receipt_number") + ": ", h("strong", {}, done.receipt_number || "")),
      closingSummary(done.closing),
      h("div", { class: "actions" }, next)],
    { sideFirst: true }));
}

function renderFault(ctx, snapshot) {
  const fault = snapshot.fault || {};
  return h("div", { class: "fault" },
    h("p", { class: "error-box", role: "alert" }, pick(fault.message)),
    h("p", {}, t("fault_hint")),
    h("div", { class: "actions" }, h("button", { type: "button", class: "primary big", onclick: () => ctx.act(() => post("/api/enrollment/resume")) }, t("resume"))));
}

export const REVIEW_EXTRAS = [];
export const DONE_EXTRAS = [];

export const STEP_SCREENS = {
  idle: renderVisit,
  identity: renderIdentity,
  consent: renderConsent,
  photo: renderPhoto,
  fingerprints: renderFingerprints,
  signature: renderSignature,
  review: renderReview,
  committed: renderDone,
  fault: renderFault,
};
