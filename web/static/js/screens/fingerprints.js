// Fingerprints: two hands, each finger's state from the station (enrollment.fingerprints):
// tap a finger to capture it; the guided next finger is outlined. A finger that cannot be
// given is marked with a reason and approved by a supervisor's name and PIN on this tablet.
import { post } from "../api.js";
import { field, formValues, h } from "../dom.js";
import { pick, t } from "../i18n.js";
import { supervisorApproval } from "./approval.js";

const RIGHT = [5, 4, 3, 2, 1];
const LEFT = [6, 7, 8, 9, 10];
const KINDS = ["missing", "amputated", "bandaged", "unreadable"];
const BASE = "/api/enrollment/fingerprints/";

export function renderFingerprints(ctx, snapshot) {
  const hands = h("div", { class: "hands" });
  const detail = h("div", { class: "finger-detail", "aria-live": "polite" });
  const approvals = h("div", { class: "finger-approvals" });
  const done = h("button", { type: "button", class: "primary big", onclick: () => ctx.act(() => post(BASE + "done")) }, t("fingers_done"));
  const approvalCards = new Map();
  let busy = false;

  function draw(state) {
    const status = state.enrollment.fingerprints;
    const byPosition = new Map(status.fingers.map((f) => [f.position, f]));
    hands.innerHTML = "";
    // While a capture runs, taps are ignored rather than the buttons disabled, so a quick
    // second tap does not land on a button that vanishes under it.
    hands.setAttribute("aria-busy", busy ? "true" : "false");
    for (const [label, order] of [["left_hand", LEFT], ["right_hand", RIGHT]]) {
      const row = h("div", { class: "hand" }, h("h3", {}, t(label)));
      const fingers = h("div", { class: "fingers" });
      for (const position of order) {
        const finger = byPosition.get(position);
        const css = finger ? fingerStatus(finger) : "todo";
        fingers.append(h("button", {
          type: "button", class: "finger " + css + (position === status.next ? " next" : ""),
          disabled: !finger,
          "aria-label": t("finger_" + position) + " — " + t("finger_" + css),
          onclick: () => { if (!busy) capture(position); },
        }, h("span", { class: "name" }, t("finger_" + position)), h("span", { class: "state" }, fingerBadge(finger)),
        finger && finger.warnings.length ? h("span", { class: "warn-mark", "aria-hidden": "true" }, "⚠") : null));
      }
      row.append(fingers);
      hands.append(row);
    }
    drawDetail(status);
    drawApprovals(status);
  }

  function drawDetail(status) {
    detail.innerHTML = "";
    for (const finger of status.fingers) {
      const name = t("finger_" + finger.position);
      for (const warning of finger.warnings) detail.append(h("p", { class: "hint warn" }, "⚠ " + name + ": " + pick(warning.message)));
      if (finger.last_error) detail.append(h("p", { class: "hint bad" }, name + ": " + pick(finger.last_error.message)));
      if (finger.status === "retry" && finger.last_attempt) {
        detail.append(h("p", { class: "hint warn" }, t("finger_retry_hint", {
          name, quality: finger.last_attempt.quality.score, attempt: finger.attempts, max: finger.max_attempts,
        })));
      }
    }
  }

  function drawApprovals(status) {
    approvals.innerHTML = "";
    for (const finger of status.fingers.filter((f) => f.status === "exception_pending")) {
      // Kept across redraws (a capture event must not wipe a supervisor's half-typed PIN).
      if (!approvalCards.has(finger.position)) {
        approvalCards.set(finger.position, supervisorApproval(ctx, finger, BASE + finger.position + "/exception/approve"));
      }
      approvals.append(approvalCards.get(finger.position));
    }
    for (const position of [...approvalCards.keys()]) {
      if (!status.fingers.some((f) => f.position === position && f.status === "exception_pending")) approvalCards.delete(position);
    }
  }

  async function capture(position) {
    busy = true; draw(ctx.app.snapshot);
    await ctx.act(() => post(BASE + position + "/capture"));
    busy = false;
    draw(ctx.app.snapshot);
  }

  const positions = snapshot.enrollment.fingers_required.map(Number);
  const exception = h("form", { class: "card exception" },
    h("h3", {}, t("finger_exception_title")),
    field(t("finger_which"), h("select", { name: "position" }, positions.map((p) => h("option", { value: p }, t("finger_" + p))))),
    field(t("finger_kind"), h("select", { name: "kind" }, KINDS.map((k) => h("option", { value: k }, t("exception_" + k))))),
    field(t("finger_reason"), h("input", { name: "reason", minlength: 3, maxlength: 200, required: true })),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "secondary" }, t("mark_exception"))));
  exception.addEventListener("submit", (event) => {
    event.preventDefault();
    const values = formValues(exception);
    ctx.act(() => post(BASE + values.position + "/exception", { kind: values.kind, reason: values.reason }));
  });

  draw(snapshot);
  ctx.onSnapshot((state) => { if (state.step === "fingerprints") draw(state); });
  return h("div", {}, hands, detail, approvals, h("div", { class: "actions" }, done), exception);
}

export function fingerStatus(finger) {
  switch (finger.status) {
    case "captured": return "done";
    case "force_captured": return "forced";
    case "exception": return "exception";
    case "exception_pending": return "awaiting";
    case "retry": return "retry";
    default: return "todo";
  }
}

function fingerBadge(finger) {
  if (!finger || finger.status === "pending") return "○";
  if (finger.status === "exception" || finger.status === "exception_pending") return "✕";
  if (finger.status === "retry") return "↻ " + finger.attempts + "/" + finger.max_attempts;
  return "✓ " + finger.quality;
}
