// Login: pick your name, type your PIN on a large keypad.
import { get, post, setToken } from "../api.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { pinPad } from "./pinpad.js";

export function renderLogin({ onLoggedIn }) {
  const select = h("select", { id: "login-operator", name: "operator", "aria-label": t("choose_operator") });
  const error = h("p", { id: "error", class: "error", role: "alert", hidden: true });

  get("/api/auth/operators").then((operators) => {
    for (const operator of operators) select.append(h("option", { value: operator.name }, operator.name + " · " + t("role_" + operator.role)));
  }).catch((failure) => showFailure(failure));

  async function submit(pin) {
    error.hidden = true;
    try {
      const result = await post("/api/auth/login", { operator: select.value, pin });
      setToken(result.token);
      onLoggedIn(result.operator);
    } catch (failure) {
      showFailure(failure);
    }
  }
  function showFailure(failure) {
    error.textContent = failure.text ? (document.documentElement.lang === "en" ? failure.text.en : failure.text.id) : failure.message;
    error.hidden = false;
  }

  const pad = pinPad({ submitLabel: t("login"), onSubmit: submit, keyboard: true });
  return h("main", { id: "main", class: "login" },
    h("section", { class: "panel narrow" },
      h("h2", {}, t("login")),
      h("div", { class: "field" }, h("label", { for: "login-operator" }, t("operator")), select),
      pad.node,
      error));
}
