// The tablet application: the station holds the state, the tablet shows it.
import { connectEvents, currentToken, get, hasToken, onUnauthorised, post, setToken } from "./api.js";
import { h } from "./dom.js";
import { language, learnNames, onLanguage, pick, t, toggleLanguage } from "./i18n.js";
import { renderLogin } from "./screens/login.js";
import { STEP_SCREENS, STEPS_SHOWN } from "./screens/steps.js";
import "./screens/receipt.js"; // adds the receipt panels to the done and visit screens
import { VIEWS } from "./screens/views.js";
import "./screens/registry.js";

const app = {
  operator: null,
  seq: null, // the last event number seen
  resyncs: 0, // how often a gap made this tablet re-read the state (shown to tests)
  snapshot: null,
  health: null,
  view: "enroll",
  events: null,
  online: true,
  listeners: new Set(),
  rendered: "",
  error: null,
};

const root = document.getElementById("app");

export function showError(error) {
  app.error = error || null;
  const box = document.getElementById("error");
  if (!box) return;
  box.textContent = error ? pick(error.text) || error.message : "";
  box.hidden = !error;
  if (error) box.scrollIntoView({ block: "nearest" });
}

// Run a request; show its error in the operator's language; adopt any new state it returns.
export async function act(call) {
  showError(null);
  try {
    const result = await call();
    if (result && result.step) adopt(result);
    return result;
  } catch (error) {
    showError(error);
    return null;
  }
}

export function onSnapshot(listener) { app.listeners.add(listener); return () => app.listeners.delete(listener); }

function adopt(snapshot) {
  const before = app.snapshot;
  app.snapshot = snapshot;
  const key = screenKey(snapshot);
  if (key !== app.rendered && app.view === "enroll") renderMain();
  else for (const listener of app.listeners) listener(snapshot, before);
  renderStepper();
}

function screenKey(snapshot) {
  const enrollment = snapshot && snapshot.enrollment;
  const mine = !enrollment || (app.operator && enrollment.operator.id === app.operator.id);
  return [snapshot ? snapshot.step : "", enrollment ? enrollment.id : "", mine].join("/");
}

// Events are numbered (station/events.py). A gap means this tablet missed some (its
// socket fell behind): its copy of the state may be stale, so it reads the state again.
function onEvent(event) {
  const missed = event.type !== "hello" && app.seq !== null && event.seq !== app.seq + 1;
  app.seq = event.seq;
  if (event.type === "hello") {
    app.health = event.data.health;
    renderBanner();
    adopt(event.data.enrollment);
  } else if (event.type === "enrollment") {
    adopt(event.data);
  } else if (event.type === "health") {
    app.health = event.data;
    renderBanner();
  }
  if (missed) resync();
  for (const listener of app.listeners) if (listener.event) listener.event(event);
}

async function resync() {
  app.resyncs += 1;
  refreshHealth();
  try { adopt(await get("/api/enrollment")); } catch (error) { /* shown by the socket state */ }
  for (const listener of app.listeners) if (listener.event) listener.event({ type: "resync", data: {} });
}

export const context = {
  app,
  act,
  showError,
  onSnapshot,
  refresh: async () => adopt(await get("/api/enrollment")),
  rerender: () => renderMain(),
};

async function refreshHealth() {
  try { app.health = await get("/api/health"); renderBanner(); } catch (error) { /* shown by the socket state */ }
}

function renderBanner() {
  const banner = document.getElementById("banner");
  if (!banner) return;
  banner.innerHTML = "";
  for (const note of (app.health && app.health.notes) || []) banner.append(h("div", { class: "note" }, pick(note)));
  if (!app.online) banner.append(h("div", { class: "note offline", role: "status" }, t("offline")));
}

function renderStepper() {
  const stepper = document.getElementById("stepper");
  if (!stepper || !app.snapshot) return;
  stepper.innerHTML = "";
  const current = app.snapshot.step;
  const index = STEPS_SHOWN.indexOf(current);
  STEPS_SHOWN.forEach((step, i) => {
    const state = step === current ? "current" : index > i ? "done" : "todo";
    stepper.append(h("li", { class: state, "aria-current": step === current ? "step" : null }, t("step_" + step)));
  });
}

function renderMain() {
  const main = document.getElementById("main");
  if (!main) return;
  app.listeners.clear();
  main.innerHTML = "";
  showError(null);
  if (app.view === "enroll") {
    const snapshot = app.snapshot;
    if (!snapshot) return;
    app.rendered = screenKey(snapshot);
    const enrollment = snapshot.enrollment;
    const panel = h("section", { class: "panel", "aria-labelledby": "step-title" },
      h("h2", { id: "step-title" }, t("step_" + snapshot.step)));
    if (enrollment && app.operator && enrollment.operator.id !== app.operator.id) {
      panel.append(h("p", { class: "notice" }, t("watching", { name: enrollment.operator.name })));
    } else {
      if (enrollment && enrollment.must_repeat && enrollment.must_repeat.length) {
        panel.append(h("p", { class: "notice warn" }, t("must_repeat") + ": " +
          enrollment.must_repeat.map((m) => m.kind === "finger" ? t("finger_" + m.position) : t("step_" + (m.kind === "photo" ? "photo" : "signature"))).join(", ")));
      }
      const screen = STEP_SCREENS[snapshot.step];
      if (screen) panel.append(screen(context, snapshot));
      if (enrollment && snapshot.allowed.includes("cancel")) panel.append(cancelButton());
    }
    main.append(h("ol", { id: "stepper", class: "stepper", "aria-label": "Langkah / steps" }), panel);
    renderStepper();
  } else {
    app.rendered = "";
    main.append(VIEWS[app.view](context));
  }
  main.append(h("p", { id: "error", class: "error", role: "alert", hidden: true }));
}

function cancelButton() {
  return h("button", {
    class: "secondary danger", type: "button",
    onclick: () => {
      const reason = prompt(t("cancel_reason"));
      if (reason !== null) act(() => post("/api/enrollment/cancel", { reason }));
    },
  }, t("cancel_enrollment"));
}

function renderShell() {
  root.innerHTML = "";
  if (!app.operator) {
    root.append(h("header", { class: "topbar" }, h("h1", {}, t("app_title")), languageButton()),
      h("div", { id: "banner", class: "banner" }),
      renderLogin({ onLoggedIn: startSession, showError }));
    renderBanner();
    return;
  }
  const role = app.operator.role;
  const views = [["enroll", "nav_enroll"], ["dashboard", "nav_dashboard"], ["dayend", "nav_dayend"]];
  if (role === "technician" || role === "supervisor") views.push(["technician", "nav_technician"]);
  root.append(
    h("header", { class: "topbar" },
      h("h1", {}, t("app_title")),
      h("nav", { "aria-label": "Menu" }, views.map(([view, label]) =>
        h("button", { class: "nav" + (app.view === view ? " active" : ""), type: "button", "aria-pressed": String(app.view === view),
          onclick: () => { app.view = view; renderShell(); } }, t(label)))),
      h("span", { class: "who" }, app.operator.name + " · " + t("role_" + role)),
      languageButton(),
      h("button", { class: "nav", type: "button", onclick: logout }, t("logout"))),
    h("div", { id: "banner", class: "banner" }),
    h("main", { id: "main" }));
  renderBanner();
  renderMain();
}

function languageButton() {
  return h("button", { class: "nav lang", type: "button", lang: language() === "en" ? "id" : "en", onclick: toggleLanguage }, t("language"));
}

async function startSession(operator) {
  app.operator = operator;
  app.view = "enroll";
  if (app.events) app.events.close();
  app.events = connectEvents(onEvent, (online) => { app.online = online; renderBanner(); });
  renderShell();
  try { adopt(await get("/api/enrollment")); } catch (error) { showError(error); }
}

async function logout() {
  try { await post("/api/auth/logout"); } catch (error) { /* the token is dropped anyway */ }
  endSession();
}

function endSession() {
  setToken("");
  app.operator = null;
  app.snapshot = null;
  if (app.events) app.events.close();
  app.events = null;
  renderShell();
}

onUnauthorised(() => { if (app.operator) endSession(); });
onLanguage(() => { renderShell(); });

(async function boot() {
  refreshHealth();
  try { learnNames(await get("/api/names")); } catch (error) { /* shown by the health banner */ }
  if (hasToken()) {
    try { await startSession(await get("/api/auth/me")); return; } catch (error) { setToken(""); }
  }
  renderShell();
})();

window.stationApp = { app, token: currentToken };
