// A second tablet (a supervisor's) watches the enrollment that another operator drives:
// how far it has come, without any personal data and without any control.
import { h } from "../dom.js";
import { t } from "../i18n.js";

function progressOf(snapshot) {
  const enrollment = snapshot.enrollment;
  if (!enrollment) return [[t("watch_saved"), "✓"]];
  const photos = enrollment.captures.photo;
  const fingers = (enrollment.fingerprints && enrollment.fingerprints.fingers) || [];
  const finished = fingers.filter((f) => ["captured", "force_captured", "exception"].includes(f.status)).length;
  const total = fingers.length || enrollment.fingers_required.length;
  return [
    [t("watch_identity"), enrollment.identity && Object.keys(enrollment.identity).length ? "✓" : "—"],
    [t("watch_consent"), enrollment.consent && Object.keys(enrollment.consent).length ? "✓" : "—"],
    [t("watch_photo"), photos.length ? (photos[0].approved ? t("watch_photo_approved") : t("watch_photo_taken")) : "—"],
    [t("watch_fingers"), t("watch_of", { n: finished, total })],
    [t("watch_signature"), enrollment.captures.signature.length ? "✓" : "—"],
  ];
}

export function renderWatching(ctx, snapshot, holder) {
  const list = h("dl", { class: "watch-progress" });
  function draw(state) {
    list.innerHTML = "";
    for (const [label, value] of progressOf(state)) list.append(h("dt", {}, label), h("dd", {}, value));
  }
  draw(snapshot);
  ctx.onSnapshot((state) => draw(state));
  return h("div", { class: "watching" },
    h("p", { class: "notice" }, t("watching", { name: holder.name })),
    h("h3", {}, t("watch_progress")), list);
}
