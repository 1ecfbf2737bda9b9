// Talking to the station: JSON over HTTP with the bearer token, and the event socket.

import { textOf } from "./i18n.js";

let token = localStorage.getItem("token") || "";
const unauthorised = [];

export class ApiError extends Error {
  constructor(status, error) {
    super(error && error.message ? error.message.en : "HTTP " + status);
    this.status = status;
    this.code = error ? error.code : "http_" + status;
    this.text = error ? error.message : null;
    this.fields = error ? error.fields || [] : [];
  }
}

export function setToken(value) {
  token = value || "";
  if (token) localStorage.setItem("token", token); else localStorage.removeItem("token");
}

export function hasToken() { return Boolean(token); }
export function currentToken() { return token; }
export function onUnauthorised(listener) { unauthorised.push(listener); }

// Every request goes through here (JSON, or a file such as the school's CSV with its own
// content type), so a lost session and a lost Wi-Fi are handled the same everywhere.
export async function request(method, path, body, contentType) {
  const headers = {};
  const raw = body instanceof Blob;
  if (body !== undefined) headers["Content-Type"] = contentType || (raw ? body.type : "application/json");
  if (token) headers.Authorization = "Bearer " + token;
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : raw ? body : JSON.stringify(body) });
  } catch (networkError) {
    throw new ApiError(0, { code: "network", message: textOf("error_network") });
  }
  if (response.status === 401 && path !== "/api/auth/login") for (const listener of unauthorised) listener();
  const type = response.headers.get("Content-Type") || "";
  const data = type.includes("json") ? await response.json().catch(() => null) : await response.blob();
  if (!response.ok) throw new ApiError(response.status, data && data.error);
  return data;
}

export const get = (path) => request("GET", path);
export const post = (path, body) => request("POST", path, body === undefined ? {} : body);

// Shows an image the station serves behind the token; the blob's URL is released as soon
// as the picture is drawn (a day of previews would otherwise keep every one in memory).
export async function showImage(image, path) {
  const blob = await request("GET", path);
  const url = URL.createObjectURL(blob);
  const release = () => URL.revokeObjectURL(url);
  image.addEventListener("load", release, { once: true });
  image.addEventListener("error", release, { once: true });
  image.src = url;
  return image;
}

// Saves a file the station serves (a report) under `name` on the tablet.
export async function download(path, name) {
  const blob = await request("GET", path);
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

// The event socket reconnects by itself; on every (re)connect the station sends `hello`
// with the whole state, so a tablet that lost Wi-Fi for a moment simply continues.
export function connectEvents(onEvent, onStatus) {
  let socket = null;
  let closed = false;
  let delay = 500;
  function open() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/api/events?token=" + encodeURIComponent(token));
    socket.onopen = () => { delay = 500; onStatus(true); };
    socket.onmessage = (message) => onEvent(JSON.parse(message.data));
    socket.onclose = (event) => {
      onStatus(false);
      if (closed || event.code === 4401) return;
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 5000);
    };
  }
  open();
  return { close() { closed = true; if (socket) socket.close(); } };
}
