// Which screen shows each step of the enrollment.
import { imageUrl, post } from "../api.js";
import { h } from "../dom.js";
import { pick, t } from "../i18n.js";
import { renderConsent } from "./consent.js";
import { renderFingerprints } from "./fingerprints.js";
import { renderIdentity } from "./identity.js";
import { renderPhoto } from "./photo.js";
import "./photo_live.js";
import { renderSignature } from "./signature.js";
import { renderVisit } from "./visit.js";

export const STEPS_SHOWN = ["identity", "consent", "photo", "fingerprints", "signature", "review", "committed"];

function renderReview(ctx, snapshot) {
  const enrollment = snapshot.enrollment;
  const id = enrollment.identity;
  const rows = [["name", id.name], ["nik", id.nik], ["birth_date", id.birth_date], ["sex", t("sex_" + id.sex)],
    ["birth_place", id.birth_place], ["marital_status", t(id.marital_status || "belum_kawin")], ["school_class", id.school_class]];
  const photo = h("div", { class: "still" });
  imageUrl("/api/enrollment/photo.jpg").then((src) => photo.append(h("img", { class: "photo small", alt: t("step_photo"), src }))).catch(() => {});
  const fingers = enrollment.captures.fingers;
  return h("div", { class: "review" },
    h("div", { class: "review-row" },
      h("dl", {}, rows.filter(([, v]) => v).map(([k, v]) => [h("dt", {}, t(k)), h("dd", {}, v)])),
      photo),
    h("p", {}, t("step_fingerprints") + ": " + Object.keys(fingers).length + "/" + enrollment.fingers_required.length),
    h("p", {}, t("step_signature") + ": " + (enrollment.captures.signature.length ? "✓" : "—")),
    REVIEW_EXTRAS.map((extra) => extra(ctx, snapshot)),
    h("div", { class: "actions" }, h("button", { type: "button", class: "primary big", onclick: () => ctx.act(() => post("/api/enrollment/commit")) }, t("commit"))));
}

function renderDone(ctx, snapshot) {
  const done = snapshot.last_committed || {};
  return h("div", { class: "finished" },
    h("p", { class: "success" }, t("saved")),
    h("p", {}, (done.name || "") + " · " + (done.nik_masked || "")),
    h("p", {}, t("receipt_number") + ": ", h("strong", {}, done.receipt_number || "")),
    DONE_EXTRAS.map((extra) => extra(ctx, snapshot)),
    h("div", { class: "actions" }, h("button", { type: "button", class: "primary big", onclick: () => ctx.act(() => post("/api/enrollment/next")) }, t("next_student"))));
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
