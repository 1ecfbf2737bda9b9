// Fingerprints: the station walks the configured finger order by itself (guided); the
// tablet shows the finger to place, the live state of each capture from the station's
// `fingerprint_live` events (waiting for the finger, captured, sending the image with
// progress, quality) and the two hands. Tapping a finger asks for it next (a retry, or a
// finger done again). A finger that cannot be given is marked with a reason and approved
// by a supervisor's name and PIN on this tablet.
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
  const live = h("div", { class: "finger-live", role: "status", "aria-live": "polite" });
  let doneAsked = false; // "all fingers done" was pressed: name what is left from then on
  const done = h("button", { type: "button", class: "primary big", onclick: () => {
    doneAsked = true;
    drawMissing();
    ctx.act(() => post(BASE + "done"));
  } }, t("fingers_done"));
  const missing = h("p", { class: "hint finger-missing" });
  let guided = snapshot.enrollment.fingerprints.guided;
  let status = snapshot.enrollment.fingerprints;
  let asked = false; // this screen has started the walk once (a reload starts it again)
  let advanced = false; // this screen has gone on to the signature by itself once
  const approvalCards = new Map();

  function draw(state) {
    status = state.enrollment.fingerprints;
    guided = status.guided;
    const byPosition = new Map(status.fingers.map((f) => [f.position, f]));
    const current = guided.live;
    const running = guided.state === "running";
    hands.innerHTML = "";
    for (const [label, order] of [["left_hand", LEFT], ["right_hand", RIGHT]]) {
      const row = h("div", { class: "hand" }, h("h3", {}, t(label)));
      const fingers = h("div", { class: "fingers" });
      for (const position of order) {
        const finger = byPosition.get(position);
        const css = finger ? fingerStatus(finger) : "todo";
        const asking = running ? current.prompt === position : position === status.next;
        const sending = running && current.phase === "sending" && current.position === position;
        fingers.append(h("button", {
          type: "button", class: "finger " + css + (asking ? " next" : "") + (sending ? " sending" : ""),
          disabled: !finger, "data-position": position,
          "aria-label": t("finger_" + position) + " — " + t("finger_" + css),
          onclick: () => ask(position),
        }, h("span", { class: "name" }, t("finger_" + position)), h("span", { class: "state" }, fingerBadge(finger)),
        finger && finger.warnings.length ? h("span", { class: "warn-mark", "aria-hidden": "true" }, "⚠") : null));
      }
      row.append(fingers);
      hands.append(row);
    }
    drawLive();
    drawDetail(status);
    drawApprovals(status);
    drawMissing();
    // The station walks by itself: the screen starts it, no tap (again after a reload
    // or a restart, when the station has not started it for this student).
    if (!asked && guided.state === "not_started" && !status.complete) {
      asked = true;
      ctx.act(() => post(BASE + "guided"));
    }
    // A walk that ends with every finger captured and nothing to look at goes on to the
    // signature by itself, no tap; a warning, a forced capture or an exception waits for
    // the operator to look and tap "all fingers done".
    if (!advanced && cleanFinish()) {
      advanced = true;
      ctx.act(() => post(BASE + "done"));
    }
  }

  function cleanFinish() {
    return guided.state === "finished" && status.complete
      && status.fingers.every((f) => f.status === "captured" && !f.warnings.length);
  }

  // While the walk runs its panel says what comes next: the list of fingers left is for
  // a stopped walk, or once "done" was pressed early.
  function drawMissing() {
    const left = status.fingers.filter((f) => !["captured", "force_captured", "exception"].includes(f.status));
    const show = left.length && (guided.state !== "running" || doneAsked);
    missing.textContent = show ? t("fingers_left", { names: nameList(left) }) : "";
  }

  // The capture in progress, as the station reports it; when none runs, why not and what
  // the operator can do (never an empty panel).
  function drawLive() {
    const current = guided.live;
    live.innerHTML = "";
    live.dataset.phase = guided.state === "running" ? current.phase : guided.state;
    if (guided.state !== "running") {
      live.append(...idleLines(current));
      return;
    }
    if (current.prompt) {
      live.append(h("p", { class: "live-prompt" + (current.again ? " again" : "") },
        t(current.again ? "guided_place_again" : "guided_place", { name: t("finger_" + current.prompt) })));
    }
    const name = current.position ? t("finger_" + current.position) : "";
    if (current.phase === "waiting") {
      live.append(h("p", { class: "live-phase" }, t("phase_waiting", { name })));
    } else if (current.phase === "captured") {
      live.append(h("p", { class: "live-phase" }, t("phase_captured", { name, verdict: current.verdict === "ok" ? "✓" : "✕" })));
    } else if (current.phase === "sending") {
      const percent = Math.round(current.progress * 100);
      live.append(h("p", { class: "live-phase" }, t("phase_sending", { name, percent })),
        h("progress", { max: 100, value: percent, "aria-label": t("phase_sending", { name, percent }) }));
    } else if (current.phase === "quality") {
      live.append(h("p", { class: "live-phase" + (current.good ? "" : " bad") }, t(current.good ? "phase_quality_good" : "phase_quality_bad", { name, quality: current.quality })));
    }
    if (current.message) live.append(h("p", { class: "hint warn" }, pick(current.message)));
  }

  function idleLines(current) {
    if (status.complete) {
      const done = [h("p", { class: "live-phase" }, t("guided_complete"))];
      if (!cleanFinish()) done.push(h("p", { class: "hint" }, t("guided_review")));
      return done;
    }
    const toCapture = status.fingers.filter((f) => ["pending", "retry"].includes(f.status));
    const awaiting = status.fingers.filter((f) => f.status === "exception_pending");
    if (!toCapture.length && awaiting.length) {
      return [h("p", { class: "live-phase" }, t("guided_awaiting", { names: nameList(awaiting) }))];
    }
    const lines = [h("p", { class: "live-phase" }, t(guided.state === "not_started" ? "guided_not_started" : "guided_stopped"))];
    if (current.message) lines.push(h("p", { class: "hint warn" }, pick(current.message)));
    lines.push(h("button", { type: "button", class: "secondary", onclick: () => ctx.act(() => post(BASE + "guided")) }, t("guided_continue")));
    return lines;
  }

  function ask(position) {
    // A tap asks for that finger next: a retry, or a finger done again.
    ctx.act(() => post(BASE + "guided", { first: position }));
  }

  function onLive(data) {
    if (!ctx.app.snapshot || !ctx.app.snapshot.enrollment || data.enrollment_id !== ctx.app.snapshot.enrollment.id) return;
    const { enrollment_id: _id, state, ...rest } = data;
    guided = { ...guided, state, live: rest };
    status = { ...status, guided };
    ctx.app.snapshot.enrollment.fingerprints = status;
    draw(ctx.app.snapshot);
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
  const listener = (state) => { if (state.step === "fingerprints") draw(state); };
  listener.event = (event) => { if (event.type === "fingerprint_live") onLive(event.data); };
  ctx.onSnapshot(listener);
  // The live panel and the step's next action share the top, then a pending approval:
  // on screen at both tablet sizes whatever the hands and the warnings below take.
  return h("div", { class: "fingerprint-step" },
    h("div", { class: "finger-top" }, live, h("div", { class: "finger-next" }, h("div", { class: "actions" }, done), missing)),
    approvals, hands, detail, exception);
}

function nameList(fingers) {
  return fingers.map((f) => t("finger_" + f.position)).join(", ");
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
