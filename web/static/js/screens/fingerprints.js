// Fingerprints: two hands, each finger's state; tap a finger to capture it.
import { post } from "../api.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";

const RIGHT = [5, 4, 3, 2, 1];
const LEFT = [6, 7, 8, 9, 10];

export function renderFingerprints(ctx, snapshot) {
  const hands = h("div", { class: "hands" });
  const detail = h("div", { class: "finger-detail", "aria-live": "polite" });
  const done = h("button", { type: "button", class: "primary big", onclick: () => ctx.act(() => post("/api/enrollment/fingerprints/done")) }, t("fingers_done"));
  let busy = false;

  function draw(state) {
    const enrollment = state.enrollment;
    const required = enrollment.fingers_required.map(Number);
    const captured = enrollment.captures.fingers;
    const next = required.find((f) => !captured[String(f)]);
    hands.innerHTML = "";
    for (const [label, order] of [["left_hand", LEFT], ["right_hand", RIGHT]]) {
      const row = h("div", { class: "hand" }, h("h3", {}, t(label)));
      const fingers = h("div", { class: "fingers" });
      for (const finger of order) {
        const info = captured[String(finger)];
        const status = fingerStatus(info);
        fingers.append(h("button", {
          type: "button", class: "finger " + status + (finger === next ? " next" : ""),
          disabled: !required.includes(finger) || busy,
          "aria-label": t("finger_" + finger) + " — " + status,
          onclick: () => capture(finger),
        }, h("span", { class: "name" }, t("finger_" + finger)), h("span", { class: "state" }, fingerBadge(info))));
      }
      row.append(fingers);
      hands.append(row);
    }
  }

  async function capture(finger) {
    busy = true; draw(ctx.app.snapshot);
    detail.textContent = t("finger_" + finger) + "…";
    await ctx.act(() => post("/api/enrollment/fingerprints/" + finger + "/capture"));
    busy = false; detail.textContent = "";
    draw(ctx.app.snapshot);
  }

  draw(snapshot);
  ctx.onSnapshot((state) => { if (state.step === "fingerprints") draw(state); });
  return h("div", {}, hands, detail, h("div", { class: "actions" }, done));
}

export function fingerStatus(info) {
  if (!info) return "todo";
  if (info.exception) return "exception";
  if (info.force_captured) return "forced";
  return "done";
}

function fingerBadge(info) {
  if (!info) return "○";
  if (info.exception) return "✕";
  return info.quality !== undefined ? "✓ " + info.quality : "✓";
}
