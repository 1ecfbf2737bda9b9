// The PIN pad: large keys, dots instead of digits, never the OS keyboard. Used at login and
// wherever a supervisor confirms with their PIN.
import { h } from "../dom.js";
import { t } from "../i18n.js";

export function pinPad({ submitLabel, onSubmit, keyboard = false }) {
  let pin = "";
  const dots = h("output", { class: "pin-dots", "aria-live": "polite", "aria-label": t("pin") });
  const show = () => { dots.textContent = "●".repeat(pin.length) || "—"; };
  const press = (digit) => { if (pin.length < 12) { pin += digit; show(); } };
  const clear = () => { pin = ""; show(); };
  const submit = () => { const typed = pin; clear(); onSubmit(typed); };
  const keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9"].map((d) => h("button", { type: "button", class: "key", onclick: () => press(d) }, d));
  keys.push(h("button", { type: "button", class: "key secondary", onclick: clear }, t("clear")));
  keys.push(h("button", { type: "button", class: "key", onclick: () => press("0") }, "0"));
  keys.push(h("button", { type: "button", class: "key primary", onclick: submit }, submitLabel));
  if (keyboard) {
    // The login screen also takes a hardware keyboard's digits (a technician's laptop).
    document.onkeydown = (event) => {
      if (!document.body.contains(dots)) return;
      if (/^[0-9]$/.test(event.key)) press(event.key);
      else if (event.key === "Backspace") { pin = pin.slice(0, -1); show(); }
      else if (event.key === "Enter") submit();
    };
  }
  show();
  return { node: h("div", { class: "pinpad" }, dots, h("div", { class: "keypad" }, keys)), clear };
}
