// Signature: a drawing pad for a finger or stylus, with clear and save.
import { post } from "../api.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";

export function renderSignature(ctx) {
  const width = 900, height = 300;
  const canvas = h("canvas", { width, height, class: "signature", role: "img", "aria-label": t("sign_here") });
  const pen = canvas.getContext("2d");
  let drawn = false;
  function clear() { pen.fillStyle = "#fff"; pen.fillRect(0, 0, width, height); drawn = false; }
  clear();
  pen.lineWidth = 4; pen.lineCap = "round"; pen.lineJoin = "round"; pen.strokeStyle = "#000";
  let drawing = false;
  const point = (event) => {
    const box = canvas.getBoundingClientRect();
    return [(event.clientX - box.left) * width / box.width, (event.clientY - box.top) * height / box.height];
  };
  canvas.addEventListener("pointerdown", (event) => { drawing = true; canvas.setPointerCapture(event.pointerId); pen.beginPath(); pen.moveTo(...point(event)); });
  canvas.addEventListener("pointermove", (event) => { if (!drawing) return; pen.lineTo(...point(event)); pen.stroke(); drawn = true; });
  const stop = () => { drawing = false; };
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);
  return h("div", {},
    h("p", {}, t("sign_here")),
    canvas,
    h("div", { class: "actions" },
      h("button", { type: "button", class: "secondary", onclick: clear }, t("clear")),
      h("button", { type: "button", class: "primary big", onclick: () => ctx.act(() => post("/api/enrollment/signature", { png_base64: canvas.toDataURL("image/png") })) }, t("save"))));
}
