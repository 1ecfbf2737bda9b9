// Talking to the station: JSON over HTTP with the bearer token, and the event socket.

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

export async function request(method, path, body) {
  const headers = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = "Bearer " + token;
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (networkError) {
    throw new ApiError(0, { code: "network", message: { id: "Stasiun tidak menjawab. Periksa Wi-Fi tablet.", en: "The station does not answer. Check the tablet's Wi-Fi." } });
  }
  if (response.status === 401 && path !== "/api/auth/login") for (const listener of unauthorised) listener();
  const type = response.headers.get("Content-Type") || "";
  const data = type.includes("json") ? await response.json().catch(() => null) : await response.blob();
  if (!response.ok) throw new ApiError(response.status, data && data.error);
  return data;
}

export const get = (path) => request("GET", path);
export const post = (path, body) => request("POST", path, body === undefined ? {} : body);

export async function imageUrl(path) {
  const blob = await request("GET", path);
  return URL.createObjectURL(blob);
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
