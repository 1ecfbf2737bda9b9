// A supervisor approves a finger exception at the operator's tablet: they pick their name
// from the list and type their PIN on the same pad as the login. The station's answer is
// shown right here, beside the form, and the PIN never stays on screen.
import { get, post } from "../api.js";
import { h } from "../dom.js";
import { pick, t } from "../i18n.js";
import { pinPad } from "./pinpad.js";

export function supervisorApproval(ctx, finger, path) {
  const id = "supervisor-" + finger.position;
  const who = h("select", { id, name: "supervisor", required: true });
  const answer = h("p", { class: "approval-answer", role: "alert" });
  get("/api/auth/operators").then((operators) => {
    for (const operator of operators.filter((o) => o.role === "supervisor")) who.append(h("option", { value: operator.name }, operator.name));
  }).catch((error) => { answer.className = "approval-answer hint bad"; answer.textContent = pick(error.text) || error.message; });

  async function approve(pin) {
    answer.className = "approval-answer hint";
    answer.textContent = t("approval_checking");
    try {
      const state = await post(path, { supervisor: who.value, pin });
      answer.className = "approval-answer hint ok";
      answer.textContent = t("approval_done");
      await ctx.act(async () => state);
    } catch (error) {
      answer.className = "approval-answer hint bad";
      answer.textContent = pick(error.text) || error.message;
    }
  }

  const pad = pinPad({ submitLabel: t("approve"), onSubmit: approve });
  return h("div", { class: "card approval" },
    h("p", {}, h("strong", {}, t("finger_" + finger.position)), ": " + pick(finger.exception.kind_name) + " — " + finger.exception.reason),
    h("div", { class: "approval-grid" },
      h("div", {},
        h("div", { class: "field" }, h("label", { for: id }, t("supervisor_name")), who),
        answer),
      pad.node));
}
