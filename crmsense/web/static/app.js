/* crmsense dashboard: small progressive enhancements; pages work without it where possible. */
"use strict";

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/* The analysed text, sentence by sentence, with the evidence spans marked (offsets index
   the analysed text: HTML reduced to its words, an e-mail to its new text), without innerHTML. */
function highlight(container, sentences, evidence) {
  container.textContent = "";
  const spans = [...evidence].sort((a, b) => a.start - b.start);
  sentences.forEach((sentence, index) => {
    if (index) container.append(document.createTextNode(" "));
    const { text, start, end } = sentence;
    let at = start;
    for (const span of spans) {
      if (span.start < at || span.end > end) continue;
      container.append(document.createTextNode(text.slice(at - start, span.start - start)));
      container.append(el("mark", { class: span.weight < 0 ? "neg" : "pos",
        title: `weight ${span.weight.toFixed(2)}` }, text.slice(span.start - start, span.end - start)));
      at = span.end;
    }
    container.append(document.createTextNode(text.slice(at - start)));
  });
}

const RISK_NAMES = {
  leaving: "Leaving", weighing: "Weighing alternatives", threat: "Threat",
  contact_leaving: "Contact leaving",
};

async function analyse(event) {
  event.preventDefault();
  const text = document.getElementById("text").value;
  const channel = document.getElementById("channel").value || null;
  const response = await fetch("/api/v1/analyze", {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json" }, body: JSON.stringify({ text, channel }),
  });
  const result = await response.json();
  const section = document.getElementById("analysis");
  section.hidden = false;
  if (!response.ok) {
    document.getElementById("label").textContent = "error";
    document.getElementById("unscored").textContent = result.error ? result.error.message : "failed";
    return;
  }
  const label = document.getElementById("label");
  label.textContent = result.label;
  label.className = `badge ${result.label}`;
  document.getElementById("score").textContent = result.score.toFixed(2);
  document.getElementById("confidence").textContent = result.confidence.toFixed(2);
  document.getElementById("kind").textContent = result.kind;
  document.getElementById("intent").textContent = result.reply_intent || "—";
  document.getElementById("unscored").textContent = result.unscored ? `Unscored: ${result.unscored}` : "";
  const risks = document.getElementById("risks");
  risks.textContent = "";
  (result.risks || []).forEach((r) => risks.append(
    el("li", { class: "negative" }, `${RISK_NAMES[r.kind] || r.kind}: “${r.text}”`)));
  document.getElementById("risks-section").hidden = risks.childElementCount === 0;
  highlight(document.getElementById("highlighted"), result.sentences, result.evidence);
  const sentences = document.getElementById("sentences");
  sentences.textContent = "";
  result.sentences.forEach((s) => sentences.append(
    el("li", { class: s.label }, `${s.text} — ${s.label} (${s.score.toFixed(2)})`)));
  const emotions = document.getElementById("emotions");
  emotions.textContent = "";
  Object.entries(result.emotions).forEach(([name, p]) => {
    const item = el("li");
    const id = `emo-${name}`;
    item.append(el("label", { for: id }, `${name} ${(p * 100).toFixed(0)}%`));
    item.append(el("meter", { id, min: "0", max: "1", value: String(p) }));
    emotions.append(item);
  });
  const aspects = document.getElementById("aspects");
  aspects.textContent = "";
  result.aspects.forEach((a) => aspects.append(
    el("li", { class: a.label }, `${a.aspect}: ${a.label} — “${a.evidence}”`)));
}

/* Charts: <div class="chart" data-series='{"x":[...],"y":[[...]],"names":[...],"colors":[...]}'>.
   "spark" draws a bare sparkline; data-x="segment" plots by position instead of time. */
function drawCharts() {
  if (typeof uPlot === "undefined") return;
  document.querySelectorAll("[data-series]").forEach((node) => {
    const data = JSON.parse(node.dataset.series);
    const spark = node.classList.contains("spark");
    const time = !spark && node.dataset.x !== "segment";
    const series = [{}].concat(data.names.map((name, i) => ({
      label: name, stroke: data.colors[i], width: spark ? 1.5 : 2, spanGaps: true,
      points: { show: !spark },
    })));
    const range = { range: [-1, 1] };
    const opts = spark
      ? { width: 120, height: 32, legend: { show: false }, cursor: { show: false },
          axes: [{ show: false }, { show: false }], scales: { x: { time: false }, y: range },
          series }
      : { width: Math.max(280, Math.min(node.clientWidth || 800, 1200)), height: 260, series,
          scales: { x: { time }, y: range },
          axes: [time ? {} : { label: "segment", incrs: [1, 2, 5, 10, 20, 50] },
                 { label: "sentiment" }] };
    new uPlot(opts, [data.x].concat(data.y), node);
  });
}

/* Alert actions: the forms post to the page (works without JavaScript); with it, they
   call the API instead and update the row in place. */
async function alertAction(event) {
  const form = event.target.closest("form[data-alert-action]");
  if (!form) return;
  event.preventDefault();
  const { alertId, alertAction: action } = form.dataset;
  const reason = form.querySelector("input[name=reason]");
  const body = reason && reason.value.trim() ? { reason: reason.value.trim() } : {};
  const status = form.closest("main").querySelector(".action-status");
  const response = await fetch(`/api/v1/alerts/${alertId}/${action}`, {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  const result = await response.json();
  if (!response.ok) {
    if (status) status.textContent = `Alert ${alertId}: ${result.error.message}`;
    return;
  }
  const row = form.closest("tr");
  const words = { ack: "acknowledged", resolve: "resolved", dismiss: "dismissed as a false positive" };
  if (status) status.textContent = `Alert ${alertId} ${words[action]}.`;
  if (action === "ack") {
    row.querySelector(".status").textContent = result.status;
    form.remove();
  } else {
    row.remove();
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("analyze-form");
  if (form) form.addEventListener("submit", analyse);
  document.addEventListener("submit", alertAction);
  drawCharts();
});
