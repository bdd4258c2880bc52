// The two helpers the first load needs from what the page says about input
// (the rest, messages.js, is fetched when there is something to say): a
// unit after a number, and how the simulator reads a value.

const UNITS = {
  zh: { s: " 秒", ms: " 毫秒", bytes: " 字节", count: " 次", "%": "%" },
  en: { s: " s", ms: " ms", bytes: " bytes", "%": "%" },
};

// A parameter's unit after a number ("" for a bare number or a switch).
export const unitText = (unit, lang) => UNITS[lang][unit] ?? "";

// The simulator would take `v` for parameter `p` as this text (the rules
// of tcpsim's Params::set_str: trimmed; a switch takes 1/true/on/yes and
// 0/false/off/no; a number is a whole number, sign allowed), or null.
// A control then shows what was drawn: `+5` as 5, `yes` as a ticked box.
export function canonical(p, v) {
  const t = String(v).trim();
  if (p.unit === "bool") return /^(1|true|on|yes)$/.test(t) ? "1" : /^(0|false|off|no)$/.test(t) ? "0" : null;
  return /^[+-]?\d{1,19}$/.test(t) ? String(BigInt(t)) : null;
}
