// Day's end on a USB stick: the station lists the removable media mounted now; the
// supervisor picks one (no typed path), and sees what was written to it.
import { get, post } from "../api.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";

function size(bytes) {
  return bytes >= 1e9 ? (bytes / 1e9).toFixed(1) + " GB" : (bytes / 1e6).toFixed(1) + " MB";
}

export function usbExport(ctx, onExported) {
  const supervisor = ctx.app.operator && ctx.app.operator.role === "supervisor";
  const list = h("div", { class: "actions media-list" });
  const result = h("p", { class: "export-result", role: "status", "aria-live": "polite" });

  async function refresh() {
    let media;
    try { media = await get("/api/upload/media"); } catch (error) { ctx.showError(error); return; }
    list.innerHTML = "";
    if (!media.length) list.append(h("p", { class: "hint" }, t("export_no_media")));
    for (const medium of media) {
      list.append(h("button", { type: "button", class: "secondary big medium", "data-mount": medium.mount_point,
        onclick: () => ctx.act(async () => {
          result.textContent = "";
          const status = await post("/api/upload/export", { mount_point: medium.mount_point });
          const written = status.exported;
          result.textContent = t("export_done", {
            label: medium.label, records: written.records, files: written.files.length, size: size(written.bytes),
          });
          onExported(status);
          refresh();
        }) }, t("export_to", { label: medium.label, free: size(medium.free_bytes) })));
    }
  }

  const card = h("section", { class: "card usb-export" }, h("h3", {}, t("export_title")));
  if (!supervisor) {
    card.append(h("p", { class: "hint" }, t("export_supervisor_only")));
    return card;
  }
  refresh();
  card.append(h("p", { class: "hint" }, t("export_hint")), list,
    h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", onclick: refresh }, t("export_refresh"))),
    result);
  return card;
}
