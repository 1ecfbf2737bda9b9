// Login: pick your name, type your PIN on a large keypad.
import { get, post, setToken } from "../api.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";

export function renderLogin({ onLoggedIn, showError }) {
  let pin = "";
  const dots = h("output", { class: "pin-dots", "aria-live": "polite", "aria-label": t("pin") });
  const select = h("select", { id: "login-operator", name: "operator", "aria-label": t("choose_operator") });
  const error = h("p", { id: "error", class: "error", role: "alert", hidden: true });

  get("/api/auth/operators").then((operators) => {
    for (const operator of operators) select.append(h("option", { value: operator.name }, operator.name + " · " + t("role_" + operator.role)));
  }).catch(() => {});

  function show() { dots.textContent = "●".repeat(pin.length) || "—"; }
  function press(digit) { if (pin.length < 12) { pin += digit; show(); } }
  async function submit() {
    error.hidden = true;
    try {
      const result = await post("/api/auth/login", { operator: select.value, pin });
      setToken(result.token);
      onLoggedIn(result.operator);
    } catch (failure) {
      pin = ""; show();
      error.textContent = failure.text ? (document.documentElement.lang === "en" ? failure.text.en : failure.text.id) : failure.message;
      error.hidden = false;
    }
  }

  const keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9"].map((d) => h("button", { type: "button", class: "key", onclick: () => press(d) }, d));
  keys.push(h("button", { type: "button", class: "key secondary", onclick: () => { pin = ""; show(); } }, t("clear")));
  keys.push(h("button", { type: "button", class: "key", onclick: () => press("0") }, "0"));
  keys.push(h("button", { type: "button", class: "key primary", onclick: submit }, t("login")));
  document.onkeydown = (event) => {
    if (!document.body.contains(dots)) return;
    if (/^[0-9]$/.test(event.key)) press(event.key);
    else if (event.key === "Backspace") { pin = pin.slice(0, -1); show(); }
    else if (event.key === "Enter") submit();
  };
  show();
  void showError;
  return h("main", { id: "main", class: "login" },
    h("section", { class: "panel narrow" },
      h("h2", {}, t("login")),
      h("div", { class: "field" }, h("label", { for: "login-operator" }, t("operator")), select),
      dots,
      h("div", { class: "keypad" }, keys),
      error));
}
