// Helpers shared by the explainer (app.js) and the embed (embed.js).

// "a=1&b=x" -> {a: "1", b: "x"}; malformed pieces are skipped, never thrown.
export function parseQuery(q) {
  const out = {};
  for (const part of q.replace(/^[?#]/, "").split("&")) {
    if (!part) continue;
    const i = part.indexOf("=");
    const k = i < 0 ? part : part.slice(0, i);
    const v = i < 0 ? "" : part.slice(i + 1);
    try {
      out[decodeURIComponent(k)] = decodeURIComponent(v.replace(/\+/g, " "));
    } catch {
      out[k] = v;
    }
  }
  return out;
}

export function toQuery(obj) {
  return Object.entries(obj)
    .filter(([, v]) => v !== null && v !== undefined && v !== "")
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join("&");
}

// Step-through: with cursor k of n, packets 0..k-1 are shown, k-1 is current.
export function cursorClasses(i, k, n) {
  if (k >= n) return { dim: false, current: false };
  return { dim: i >= k, current: i === k - 1 };
}

export function fmtTime(t) {
  return `${Number(t).toFixed(t < 10 ? 3 : 2)} s`;
}

// Yield to the browser: resolves in a new task (a MessageChannel message,
// which, unlike a nested setTimeout, is not clamped to 4 ms), so that it can
// paint and handle input in between.
export function nextTask() {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => resolve();
    ch.port2.postMessage(null);
  });
}
