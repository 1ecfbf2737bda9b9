// A tiny element builder: h("button", {class: "big", onclick}, "text", child, ...).

export function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else if (key === "class") node.className = value;
    else if (value === true) node.setAttribute(key, "");
    else node.setAttribute(key, value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

export function field(label, input, hint) {
  const id = input.id || "f-" + Math.random().toString(36).slice(2);
  input.id = id;
  return h("div", { class: "field" }, h("label", { for: id }, label), input, hint ? h("p", { class: "hint" }, hint) : null);
}

export function formValues(form) {
  const values = {};
  for (const element of form.elements) {
    if (!element.name) continue;
    values[element.name] = element.type === "checkbox" ? element.checked : element.value;
  }
  return values;
}

// A step's screen in two parts: what the operator looks at (`main`: preview, form, receipt)
// and what they decide with (`side`: checks, answers, the next action). Side by side in
// landscape, stacked in portrait, so the next action is in view without scrolling at both.
// `sideFirst`: in portrait the side comes first (the done screen's "next student").
export function stepLayout(main, side, { sideFirst = false } = {}) {
  return h("div", { class: "step-grid" + (sideFirst ? " side-first" : "") },
    h("div", { class: "step-main" }, main), h("div", { class: "step-side" }, side));
}

// A button that cannot be pressed twice while its request runs (a double tap on commit
// would otherwise send a second, refused, commit).
export function onceButton(attrs, label, run) {
  const button = h("button", { type: "button", ...attrs }, label);
  button.addEventListener("click", async () => {
    if (button.disabled) return;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try { await run(); } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  });
  return button;
}

// What the operator has typed into the named fields under `root` (for a redraw that must
// not lose it, e.g. the language switch).
export function typedValues(root) {
  const typed = new Map();
  for (const element of root.querySelectorAll("input[name], select[name], textarea[name]")) {
    if (element.type === "file" || element.type === "password") continue;
    const key = (element.form && element.form.className) + "|" + element.name + "|" + element.type;
    const value = element.type === "checkbox" || element.type === "radio" ? element.checked : element.value;
    if (!typed.has(key)) typed.set(key, []);
    typed.get(key).push({ value, option: element.value });
  }
  return typed;
}

export function restoreTyped(root, typed) {
  const seen = new Map();
  for (const element of root.querySelectorAll("input[name], select[name], textarea[name]")) {
    const key = (element.form && element.form.className) + "|" + element.name + "|" + element.type;
    const index = seen.get(key) || 0;
    seen.set(key, index + 1);
    const entry = (typed.get(key) || [])[index];
    if (!entry) continue;
    if (element.type === "checkbox" || element.type === "radio") {
      if (entry.option === element.value) element.checked = entry.value;
    } else if (element.type !== "file" && element.type !== "password") {
      element.value = entry.value;
    }
    element.dispatchEvent(new Event("input", { bubbles: true }));
  }
}
