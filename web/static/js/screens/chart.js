// Enrollments per hour as bars drawn in HTML: labels at reading size, both axes named in
// the operator's language, and each bar's figure written on it (no colour-only meaning).
import { h } from "../dom.js";
import { t } from "../i18n.js";

export function perHourChart(perHour) {
  const hours = perHour && perHour.length ? perHour : [];
  const most = Math.max(1, ...hours.map((entry) => entry.count));
  const bars = h("ol", { class: "bars", "aria-label": t("chart_title") },
    hours.map((entry) => h("li", { class: "bar-slot" },
      h("span", { class: "bar-count" }, String(entry.count)),
      h("span", { class: "bar", style: `height: ${Math.round((entry.count / most) * 100)}%`, "aria-hidden": "true" }),
      h("span", { class: "bar-hour" }, entry.hour, h("span", { class: "visually-hidden" }, ": " + t("chart_count", { n: entry.count }))))));
  return h("figure", { class: "per-hour" },
    h("figcaption", {}, t("chart_title")),
    hours.length ? h("div", { class: "chart-area" },
      h("span", { class: "axis-y" }, t("chart_axis_y")), bars,
      h("span", { class: "axis-x" }, t("chart_axis_x"))) : h("p", { class: "hint" }, t("chart_empty")));
}
