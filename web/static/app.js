// The plain tablet page: log in, then follow the station's state. The station decides
// the step; this page only shows it and sends the operator's requests.
"use strict";

let token = localStorage.getItem("token") || "";
let me = null;
let state = null;
let socket = null;

const $ = (id) => document.getElementById(id);

async function api(method, path, body) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = "Bearer " + token;
  const response = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    if (response.status === 401 && path !== "/api/auth/login") logout();
    const message = data.error ? data.error.message : { id: "Galat " + response.status, en: "Error " + response.status };
    throw new Error(message.id + "\n" + message.en);
  }
  return data;
}

function showError(error) { $("error").textContent = error ? error.message : ""; }

async function act(method, path, body) {
  showError(null);
  try {
    const result = await api(method, path, body);
    if (result && result.step) render(result);
    return result;
  } catch (error) { showError(error); return null; }
}

function logout() {
  token = ""; me = null; localStorage.removeItem("token");
  if (socket) socket.close();
  $("login").hidden = false; $("flow").hidden = true; $("who").textContent = "";
}

async function startSession() {
  try { me = await api("GET", "/api/auth/me"); } catch (error) { logout(); return; }
  $("who").textContent = me.name + " (" + me.role + ")";
  $("login").hidden = true; $("flow").hidden = false;
  connect();
  render(await api("GET", "/api/enrollment"));
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  socket = new WebSocket(scheme + location.host + "/api/events?token=" + encodeURIComponent(token));
  socket.onmessage = (message) => {
    const event = JSON.parse(message.data);
    if (event.type === "hello") { render(event.data.enrollment); showNotes(event.data.health.notes); }
    if (event.type === "enrollment") render(event.data);
  };
  // A tablet that loses Wi-Fi for a moment reconnects and re-reads the whole state.
  socket.onclose = () => { if (token) setTimeout(connect, 1500); };
}

function showNotes(notes) {
  $("notes").innerHTML = "";
  for (const note of notes || []) {
    const div = document.createElement("div");
    div.textContent = note.id + " / " + note.en;
    $("notes").appendChild(div);
  }
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function field(label, name, type, extra) {
  return el("label", {}, label, el("input", Object.assign({ name, type: type || "text" }, extra || {})));
}

function formData(form) { return Object.fromEntries(new FormData(form).entries()); }

function render(snapshot) {
  state = snapshot;
  const body = $("step-body");
  body.innerHTML = "";
  $("step-title").textContent = snapshot.step_name.id + " / " + snapshot.step_name.en;
  const enrollment = snapshot.enrollment;
  const mine = !enrollment || (me && enrollment.operator.id === me.id);
  if (enrollment && !mine) {
    body.append(el("p", {}, "Dijalankan oleh / driven by " + enrollment.operator.name + " — hanya memantau / watching only."));
    return;
  }
  if (enrollment && enrollment.must_repeat.length) {
    body.append(el("p", { class: "warn" }, "Ulangi perekaman / repeat captures: " +
      enrollment.must_repeat.map((m) => m.kind + (m.position ? " " + m.position : "")).join(", ")));
  }
  const step = STEPS[snapshot.step];
  if (step) step(body, snapshot);
  if (enrollment && snapshot.allowed.includes("cancel")) {
    body.append(el("button", { class: "secondary", onclick: () => act("POST", "/api/enrollment/cancel", { reason: "dibatalkan operator" }) }, "Batal / Cancel"));
  }
}

const STEPS = {
  async idle(body) {
    const visits = await api("GET", "/api/visits").catch(() => []);
    const select = el("select", { name: "visit", "aria-label": "Kunjungan / visit" });
    for (const visit of visits) select.append(el("option", { value: visit.id }, visit.school + " — " + visit.date));
    body.append(el("label", {}, "Kunjungan / Visit ", select));
    body.append(el("button", { onclick: () => act("POST", "/api/enrollment/start", { visit_id: Number(select.value) }) }, "Mulai perekaman / Start"));
  },
  identity(body) {
    const form = el("form", {},
      field("Nama / Name", "name", "text", { required: "" }),
      field("NIK", "nik", "text", { inputmode: "numeric", required: "" }),
      field("Tanggal lahir / Birth date", "birth_date", "date", { required: "" }),
      el("label", {}, "Jenis kelamin / Sex ",
        el("select", { name: "sex" }, el("option", { value: "L" }, "Laki-laki / Male"), el("option", { value: "P" }, "Perempuan / Female"))),
      el("button", { type: "submit" }, "Lanjut / Next"));
    form.addEventListener("submit", (e) => { e.preventDefault(); act("POST", "/api/enrollment/identity", formData(form)); });
    body.append(form);
  },
  consent(body) {
    body.append(el("p", {}, "Foto, sepuluh sidik jari dan tanda tangan direkam untuk KTP-el, disegel untuk Ditjen Dukcapil, dan dihapus dari stasiun setelah diterima kantor pusat. / Photo, ten fingerprints and signature are recorded for the KTP-el, sealed for the central office, and deleted from the station once the office has them."));
    const form = el("form", {},
      el("label", {}, el("input", { type: "checkbox", name: "notice_shown" }), "Pemberitahuan dibacakan / notice shown"),
      el("label", {}, el("input", { type: "checkbox", name: "applicant_agrees" }), "Pemohon setuju / applicant agrees"),
      el("button", { type: "submit" }, "Lanjut / Next"));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      act("POST", "/api/enrollment/consent", { notice_shown: form.notice_shown.checked, applicant_agrees: form.applicant_agrees.checked });
    });
    body.append(form);
  },
  async photo(body, snapshot) {
    body.append(el("button", { onclick: () => act("POST", "/api/enrollment/photo/capture") }, "Ambil foto / Take photo"));
    if (snapshot.enrollment.captures.photo.length) {
      const response = await fetch("/api/enrollment/photo.jpg", { headers: { Authorization: "Bearer " + token } });
      if (response.ok) body.append(el("img", { class: "photo", alt: "Foto pemohon / applicant photo", src: URL.createObjectURL(await response.blob()) }));
      body.append(el("button", { onclick: () => act("POST", "/api/enrollment/photo/approve") }, "Pemohon setuju foto / Applicant approves"));
    }
  },
  fingerprints(body, snapshot) {
    // A hand diagram: right hand 1-5, left hand 6-10, each finger coloured by status.
    const status = snapshot.enrollment.fingerprints;
    const base = "/api/enrollment/fingerprints/";
    const labels = { pending: "belum / to do", retry: "ulangi / retry", captured: "✓", force_captured: "✓ paksa / forced",
      exception_pending: "menunggu supervisor / awaiting supervisor", exception: "pengecualian / exception" };
    const grid = el("div", { class: "fingers" });
    for (const hand of ["right", "left"]) {
      for (const finger of status.fingers.filter((f) => f.hand === hand).sort((a, b) => a.position - b.position)) {
        const lines = [el("strong", {}, finger.name.id), el("small", {}, labels[finger.status])];
        if (finger.quality !== null) lines.push(el("small", {}, "Q " + finger.quality + (finger.attempts > 1 ? " · " + finger.attempts + "x" : "")));
        else if (finger.attempts) lines.push(el("small", {}, finger.attempts + "/" + finger.max_attempts));
        if (finger.warnings.length) lines.push(el("small", { class: "warn" }, "⚠ " + finger.warnings.length));
        grid.append(el("button", {
          class: "finger " + finger.status + (status.next === finger.position ? " next" : ""),
          title: finger.name.en, onclick: () => act("POST", base + finger.position + "/capture"),
        }, ...lines));
      }
    }
    body.append(grid);
    const notes = el("div", { class: "finger-notes" });
    for (const finger of status.fingers) {
      for (const warning of finger.warnings) notes.append(el("p", { class: "warn" }, finger.name.id + ": " + warning.message.id + " / " + warning.message.en));
      if (finger.last_error) notes.append(el("p", {}, finger.name.id + ": " + finger.last_error.message.id + " / " + finger.last_error.message.en));
      if (finger.status === "retry" && finger.last_attempt) notes.append(el("p", {}, finger.name.id + ": kualitas / quality " + finger.last_attempt.quality.score + ", modul / module: " + finger.last_attempt.module_verdict));
    }
    body.append(notes);
    // Exceptions: the operator marks, a supervisor approves with name and PIN on this tablet.
    const form = el("form", { class: "exception" },
      el("label", {}, "Jari / Finger", el("select", { name: "position" }, ...status.fingers.map((f) => el("option", { value: f.position }, f.name.id)))),
      el("label", {}, "Alasan / Kind", el("select", { name: "kind" },
        el("option", { value: "missing" }, "tidak ada / missing"), el("option", { value: "amputated" }, "amputasi / amputated"),
        el("option", { value: "bandaged" }, "diperban / bandaged"), el("option", { value: "unreadable" }, "tidak terbaca / unreadable"))),
      field("Keterangan / Reason", "reason"),
      el("button", { type: "submit", class: "secondary" }, "Tandai pengecualian / Mark exception"));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      act("POST", base + form.position.value + "/exception", { kind: form.kind.value, reason: form.reason.value });
    });
    body.append(form);
    for (const finger of status.fingers.filter((f) => f.status === "exception_pending")) {
      const approve = el("form", { class: "exception" }, el("p", {}, finger.name.id + ": " + finger.exception.kind_name.id + " — " + finger.exception.reason),
        field("Supervisor", "supervisor"), field("PIN", "pin", "password", { inputmode: "numeric", autocomplete: "off" }),
        el("button", { type: "submit" }, "Setujui / Approve"));
      approve.addEventListener("submit", (e) => {
        e.preventDefault();
        act("POST", base + finger.position + "/exception/approve", { supervisor: approve.supervisor.value, pin: approve.pin.value });
      });
      body.append(approve);
    }
    body.append(el("button", { onclick: () => act("POST", "/api/enrollment/fingerprints/done") }, "Selesai / Done"));
  },
  signature(body) {
    const canvas = el("canvas", { width: 600, height: 200, "aria-label": "Bidang tanda tangan / signature pad" });
    const pen = canvas.getContext("2d");
    pen.fillStyle = "#fff"; pen.fillRect(0, 0, 600, 200); pen.lineWidth = 3; pen.lineCap = "round";
    let drawing = false;
    const point = (e) => { const r = canvas.getBoundingClientRect(); return [(e.clientX - r.left) * 600 / r.width, (e.clientY - r.top) * 200 / r.height]; };
    canvas.addEventListener("pointerdown", (e) => { drawing = true; pen.beginPath(); pen.moveTo(...point(e)); });
    canvas.addEventListener("pointermove", (e) => { if (drawing) { pen.lineTo(...point(e)); pen.stroke(); } });
    canvas.addEventListener("pointerup", () => { drawing = false; });
    body.append(canvas,
      el("button", { class: "secondary", onclick: () => { pen.fillRect(0, 0, 600, 200); } }, "Hapus / Clear"),
      el("button", { onclick: () => act("POST", "/api/enrollment/signature", { png_base64: canvas.toDataURL("image/png") }) }, "Simpan / Save"));
  },
  review(body, snapshot) {
    const id = snapshot.enrollment.identity;
    body.append(el("p", {}, id.name + " — " + id.nik + " — " + id.birth_date + " — " + id.sex));
    body.append(el("button", { onclick: () => act("POST", "/api/enrollment/commit") }, "Simpan & segel / Commit"));
  },
  committed(body, snapshot) {
    const done = snapshot.last_committed || {};
    body.append(el("p", {}, "Tersimpan / Saved: " + (done.name || "") + " " + (done.nik_masked || "") + " — " + (done.receipt_number || "")));
    body.append(el("button", { onclick: () => act("POST", "/api/enrollment/next") }, "Siswa berikutnya / Next student"));
  },
  fault(body, snapshot) {
    const fault = snapshot.fault || {};
    body.append(el("p", { role: "alert" }, fault.message ? fault.message.id + " / " + fault.message.en : ""));
    body.append(el("button", { onclick: () => act("POST", "/api/enrollment/resume") }, "Lanjutkan / Resume"));
  },
};

$("login-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  showError(null);
  try {
    const result = await api("POST", "/api/auth/login", formData(e.target));
    token = result.token; localStorage.setItem("token", token);
    await startSession();
  } catch (error) { showError(error); }
});

api("GET", "/api/health").then((health) => showNotes(health.notes)).catch(() => {});
if (token) startSession(); else logout();
