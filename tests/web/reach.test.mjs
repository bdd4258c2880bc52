// Page tests for reading the page on a phone and finding one's way in it
// (issue 17, items 2 and 5), at 1440×900 and 390×844, in Debian's Chromium
// (tests/web/harness.mjs). Nothing here is timed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cli, useSite, open, ready, done } from "./harness.mjs";

useSite();

const DESKTOP = { viewport: { width: 1440, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

// The smallest text of each diagram in `root`, in CSS px as drawn: each
// text's font size (user units) times its SVG's scale (drawn width over
// viewBox width).
const smallestText = (page, sel) =>
  page.evaluate((sel) => {
    const out = [];
    for (const svg of document.querySelectorAll(sel)) {
      const r = svg.getBoundingClientRect();
      if (!r.width) continue;
      const scale = r.width / svg.viewBox.baseVal.width;
      let min = Infinity;
      for (const t of svg.querySelectorAll("text")) {
        if (!t.textContent.trim()) continue;
        min = Math.min(min, parseFloat(getComputedStyle(t).fontSize) * scale);
      }
      out.push({ id: svg.closest("[id]")?.id || svg.closest("[data-hero]")?.dataset.hero, min });
    }
    return out;
  }, sel);

const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test("on a 390 px phone every diagram's text is at least 11 CSS px, its box scrolls sideways with the axis pinned, and the page never overflows", async () => {
  const s = await open("/index.html", PHONE, { ready: true });
  // Every section near or far: content-visibility skips layout off screen,
  // so each is brought into view before it is measured.
  const ids = await s.page.evaluate(() => [...document.querySelectorAll("section.scenario")].map((x) => x.id));
  assert.equal(ids.length, 15);
  for (const id of ids) {
    await s.page.locator(`#${id} .live-diagram`).scrollIntoViewIfNeeded();
    // The windowed sections are drawn by the tools module once near.
    await s.page.waitForSelector(`#${id} .live-diagram > svg.tcl`);
    const [m] = await smallestText(s.page, `#${id} .live-diagram > svg.tcl:not(.axis-pin)`);
    assert.ok(m && m.min >= 11, `${id}: smallest diagram text ${m && m.min.toFixed(2)} CSS px`);
    // The box scrolls, not the page; the pinned axis is a copy, hidden from
    // assistive technology.
    const box = await s.page.evaluate((id) => {
      const b = document.querySelector(`#${id} .live-diagram`);
      const pin = b.querySelector(".axis-pin");
      // The pin is the axis's width (80 × 1.16 px) and as tall as the
      // diagram, which shows beside it.
      const pr = pin.getBoundingClientRect();
      const sr = b.firstElementChild.getBoundingClientRect();
      return { scroll: b.scrollWidth > b.clientWidth, pin: !!pin, hidden: pin?.getAttribute("aria-hidden"), pos: pin && getComputedStyle(pin).position, w: Math.round(pr.width), h: Math.abs(pr.height - sr.height) < 1 };
    }, id);
    assert.deepEqual(box, { scroll: true, pin: true, hidden: "true", pos: "sticky", w: 93, h: true }, id);
  }
  // The first screen's two diagrams too.
  for (const m of await smallestText(s.page, ".hero .live-diagram > svg.tcl:not(.axis-pin)")) assert.ok(m.min >= 11, `hero ${m.id}: ${m.min}`);
  // The axis stays at the left edge while the diagram scrolls under it.
  const pinned = await s.page.evaluate(() => {
    const b = document.querySelector("#process-crash .live-diagram");
    b.scrollLeft = 300;
    const pin = b.querySelector(".axis-pin").getBoundingClientRect().left;
    return Math.round(pin - b.getBoundingClientRect().left);
  });
  assert.equal(pinned, 0);
  // Nothing on the page is wider than the screen: with the controls open,
  // a section's details open, the inspector filled, the explorer mounted.
  assert.equal(await overflow(s.page), 0);
  await s.page.evaluate(() => {
    for (const d of document.querySelectorAll("details")) d.open = true;
  });
  await s.page.locator("#detect-faster .explorer-open").click();
  await s.page.waitForSelector("#detect-faster[data-mounted='1']");
  await s.page.locator('#host-crash-data-no-reboot [data-packet="3"]').click();
  await s.page.waitForFunction(() => /ss -tnoi|ESTAB/.test(document.querySelector("#host-crash-data-no-reboot .inspector-body").textContent));
  assert.equal(await overflow(s.page), 0, "no horizontal overflow with everything open");
  await done(s);
});

test("the embed on a phone: the same readable size, no overflow", async () => {
  const s = await open("/embed.html?scenario=host-crash-data-no-reboot", PHONE, { ready: true });
  const [m] = await smallestText(s.page, ".live-diagram > svg.tcl:not(.axis-pin)");
  assert.ok(m.min >= 11, `embed: ${m.min}`);
  assert.equal(await overflow(s.page), 0);
  await done(s);
});

test("on a desktop the diagrams fit their column: no sideways scrolling, no pinned axis", async () => {
  const s = await open("/index.html", DESKTOP, { ready: true });
  const box = await s.page.evaluate(() => {
    const b = document.querySelector("#process-crash .live-diagram");
    return { scroll: b.scrollWidth > b.clientWidth + 1, pin: getComputedStyle(b.querySelector(".axis-pin") || document.body).display };
  });
  assert.equal(box.scroll, false);
  assert.equal(await overflow(s.page), 0);
  await done(s);
});

test("a diagram is one Tab stop; the arrow keys move between its segments", async () => {
  for (const opts of [DESKTOP, PHONE]) {
    const s = await open("/index.html", opts, { ready: true });
    const counts = await s.page.evaluate(() => {
      // What Tab can reach: focusable, rendered (not in a closed <details>
      // or a hidden box).
      const stops = [...document.querySelectorAll("a[href], button, input, select, textarea, summary, [tabindex]")].filter(
        (e) => e.tabIndex >= 0 && !e.disabled && e.checkVisibility(),
      );
      return { segments: stops.filter((e) => e.matches("[data-packet]")).length, diagrams: document.querySelectorAll("section.scenario svg[data-scenario]").length, all: stops.length };
    });
    // One stop per section's diagram drawn at load (the first screen's two are
    // pictures; the two windowed sections are drawn once near).
    assert.equal(counts.segments, counts.diagrams);
    assert.equal(counts.diagrams, 13);
    // Issue 17 counted 441 stops, 144 of them segments.
    assert.ok(counts.all < 441, `Tab stops: ${counts.all}`);
    console.log(`Tab stops at ${opts.viewport.width} px: ${counts.all}, of them segments: ${counts.segments}`);
    // The capture section (some 400 Tabs down before) is a few Tabs away
    // through the contents (folded on a phone: its summary opens it).
    await s.page.evaluate(() => document.activeElement?.blur());
    let presses = 0;
    const at = () => s.page.evaluate(() => document.activeElement?.getAttribute("href") || document.activeElement?.tagName);
    while (presses < 40 && (await at()) !== "#capture") {
      await s.page.keyboard.press("Tab");
      presses++;
      if ((await at()) === "SUMMARY" && (await s.page.evaluate(() => !!document.activeElement.closest(".toc") && !document.activeElement.parentElement.open))) await s.page.keyboard.press("Enter");
    }
    assert.equal(await at(), "#capture");
    assert.ok(presses <= 25, `${presses} Tabs to the contents' link`);
    await s.page.keyboard.press("Enter");
    await s.page.waitForFunction(() => document.activeElement.id === "capture");
    // Tab from the play controls' last element reaches the diagram's first segment.
    const sec = s.page.locator("#process-crash");
    await sec.locator("input.scrub").focus();
    await s.page.keyboard.press("Tab");
    assert.equal(await s.page.evaluate(() => document.activeElement.dataset.packet), "0");
    await s.page.keyboard.press("ArrowDown");
    await s.page.keyboard.press("ArrowRight");
    assert.equal(await s.page.evaluate(() => document.activeElement.dataset.packet), "2");
    await s.page.keyboard.press("ArrowUp");
    assert.equal(await s.page.evaluate(() => document.activeElement.dataset.packet), "1");
    await s.page.keyboard.press("End");
    const n = await sec.locator("[data-packet]").count();
    assert.equal(await s.page.evaluate(() => document.activeElement.dataset.packet), String(n - 1));
    // The stop moved with the focus: still one per diagram.
    assert.equal(await sec.locator('[data-packet][tabindex="0"]').count(), 1);
    assert.equal(await sec.locator('[data-packet][tabindex="0"]').getAttribute("data-packet"), String(n - 1));
    // The inspector follows (the tools module comes on first use).
    await s.page.waitForFunction((n) => document.querySelector("#process-crash .inspector-body").textContent.includes("RST") || document.querySelector("#process-crash .inspector-body").textContent.length > 20, n);
    await s.page.keyboard.press("Home");
    assert.equal(await s.page.evaluate(() => document.activeElement.dataset.packet), "0");
    await done(s);
  }
});

test("headings' accessible names are their titles, not '#'", async () => {
  const s = await open("/index.html", DESKTOP, { ready: true });
  const snap = await s.page.locator("main").ariaSnapshot();
  const headings = snap.split("\n").filter((l) => /- heading /.test(l));
  assert.ok(headings.length >= 17, `${headings.length} headings`);
  for (const h of headings) assert.doesNotMatch(h, /heading "#/, h);
  assert.match(snap, /heading "客户端进程被杀|heading "[^"#]+" \[level=2\]/);
  await done(s);
});

test("a skip link and a table of contents: sticky beside the page on a desktop, folded on a phone", async () => {
  const s = await open("/index.html", DESKTOP, { ready: true });
  await s.page.keyboard.press("Tab");
  assert.equal(await s.page.evaluate(() => document.activeElement.className), "skip");
  await s.page.keyboard.press("Enter");
  assert.equal(await s.page.evaluate(() => document.activeElement.id), "main");
  const toc = s.page.locator("nav.toc");
  assert.equal(await toc.locator("details").getAttribute("open"), "");
  const links = await toc.locator("a").evaluateAll((as) => as.map((a) => [a.getAttribute("href"), a.textContent]));
  const hrefs = links.map((l) => l[0]);
  for (const id of ["#symptom", "#tree-h", "#detect-faster", "#process-crash", "#kill-from-outside", "#capture", "#article"].map((x) => x)) {
    if (id === "#tree-h") continue;
    assert.ok(hrefs.includes(id), `${id} in the contents`);
  }
  assert.ok(links.length >= 17);
  // Sticky: still on screen after scrolling far down.
  await s.page.evaluate(() => window.scrollTo(0, 20000));
  const top = await toc.evaluate((n) => n.getBoundingClientRect().top);
  assert.ok(top >= 0 && top < 50, `contents at ${top}`);
  // A link goes to its section and keeps a permalink's parameters.
  await s.page.evaluate(() => window.scrollTo(0, 0));
  await s.page.goto(s.page.url().replace(/#.*$/, "") + "#s=keepalive-peer-dead&tcp_keepalive_probes=3");
  await ready(s.page);
  await toc.locator('a[href="#capture"]').click();
  await s.page.waitForFunction(() => document.activeElement.id === "capture");
  assert.match(s.page.url(), /tcp_keepalive_probes=3/);
  // English: the contents follow.
  await s.page.locator("#lang-toggle").click();
  await s.page.waitForFunction(() => document.documentElement.lang === "en");
  assert.match(await toc.locator('a[href="#capture"]').textContent(), /Explain your own capture/);
  assert.equal(await toc.locator("summary").textContent(), "Contents");
  await done(s);

  const p = await open("/index.html", PHONE, { ready: true });
  assert.equal(await p.page.locator("nav.toc details").getAttribute("open"), null);
  await p.page.locator("nav.toc summary").click();
  await p.page.locator('nav.toc a[href="#capture"]').click();
  await p.page.waitForFunction(() => document.activeElement.id === "capture");
  assert.equal(await p.page.locator("nav.toc details").getAttribute("open"), null, "folds again after a jump");
  await done(p);
});

test("the first screen shows the simulator's process crash beside its host crash, and links the explorer and the symptom finder", async () => {
  for (const opts of [DESKTOP, PHONE]) {
    const s = await open("/index.html", opts, { ready: true });
    const hero = await s.page.evaluate(() => {
      const figs = [...document.querySelectorAll(".hero figure")];
      return figs.map((f) => {
        const svg = f.querySelector("svg.tcl");
        const r = svg.getBoundingClientRect();
        return { top: r.top, fins: svg.querySelectorAll('[data-flags*="F"]').length, pkts: svg.querySelectorAll("[data-packet]").length, headline: f.querySelector(".hero-headline").textContent, stops: svg.querySelectorAll('[tabindex="0"]').length };
      });
    });
    assert.equal(hero.length, 2);
    assert.ok(hero[0].top < opts.viewport.height, "the first diagram starts on the first screen");
    if (opts === DESKTOP) assert.ok(hero[1].top < opts.viewport.height, "both, on a desktop");
    assert.ok(hero[0].fins > 0, "the process crash closes with a FIN");
    assert.equal(hero[1].fins, 0, "the host crash sends no FIN");
    // A picture: its segments are no Tab stops; its headline is the run's.
    for (const h of hero) assert.ok(h.stops === 0 && h.headline.length > 10, JSON.stringify(h));
    // Drawn from the simulation: the CLI's run's segments from its fault on
    // (each diagram is cut just above its fault; web/hero.js leaves out
    // what lies wholly above the cut, the handshake).
    for (const [i, id] of [[0, "process-crash"], [1, "host-crash-idle"]]) {
      const run = JSON.parse(execFileSync(cli, ["run", id, "--format", "json"], { encoding: "utf8" }));
      const fault = run.events.find((e) => e.type === "fault").at;
      assert.equal(hero[i].pkts, run.packets.filter((p) => p.sent_at >= fault).length, id);
    }
    // Unique ids: the section's copy keeps its own.
    assert.equal(await s.page.evaluate(() => document.querySelectorAll("#t-process-crash").length), 1);
    assert.ok(await s.page.locator('.hero-go a[href="#detect-faster"]').isVisible());
    assert.ok(await s.page.locator('.tree a[href="#detect-faster"]').count());
    await done(s);
  }
  // The tree's link opens the explorer.
  const s = await open("/index.html", DESKTOP, { ready: true });
  await s.page.locator('.tree a[href="#detect-faster"]').click();
  await s.page.waitForSelector("#detect-faster[data-mounted='1']");
  await done(s);
});

test("start from the symptom: a duration names the timer that fits, from the simulator's figures, and opens it", async () => {
  const s = await open("/index.html", DESKTOP, { ready: true });
  await s.page.locator("#symptom summary").click();
  await s.page.waitForSelector("#symptom .symptom-body[data-ready='1']");
  const ask = async (amount, unit = "1") => {
    await s.page.locator('#symptom [name="unit"]').selectOption(unit);
    await s.page.locator('#symptom [name="amount"]').fill(String(amount));
    return s.page.locator("#symptom .symptom-fit").first().getAttribute("data-fit");
  };
  // The figures each timer is known by.
  assert.equal(await ask(924.6), "retries2");
  assert.equal(await ask(16, "60"), "retries2");
  assert.equal(await ask(7875), "keepalive");
  assert.equal(await ask(2.2, "3600"), "keepalive");
  assert.equal(await ask(127), "connect");
  assert.equal(await ask(135), "connect");
  assert.equal(await ask(20), "grpc");
  // The explanation carries the simulator's figures: tcp_model_timeout's
  // 924.6 s, and the simulated give-up (the CLI's outcome).
  await ask(950);
  const text = await s.page.locator("#symptom .symptom-answer").textContent();
  assert.match(text, /924\.6/);
  const o = JSON.parse(execFileSync(cli, ["run", "host-crash-data-no-reboot", "--format", "json"], { encoding: "utf8" })).outcome[0];
  const m = Math.floor(Math.round(o.after) / 60);
  assert.match(text, new RegExp(`${m} 分 ${Math.round(o.after) % 60} 秒`));
  // Nothing fits 3 s: it says so, and names the closest.
  await ask(3);
  assert.match(await s.page.locator("#symptom .symptom-answer").textContent(), /3 秒：这里的定时器（Linux 的默认值，以及 gRPC 设的 TCP_USER_TIMEOUT）都不吻合。最接近的是/);
  // Bad input: a sentence, no exception.
  await s.page.locator('#symptom [name="amount"]').fill("-4");
  assert.match(await s.page.locator("#symptom .symptom-answer").textContent(), /大于 0/);
  // "Never": both causes.
  await s.page.locator('#symptom [name="saw"]').check();
  const fits = await s.page.locator("#symptom .symptom-fit").evaluateAll((xs) => xs.map((x) => x.dataset.fit));
  assert.deepEqual(fits, ["idle", "reading"]);
  // Opening: a section by its permalink, the explorer on a preset.
  await s.page.locator('#symptom [data-fit="idle"] button[data-section]').click();
  await s.page.waitForFunction(() => location.hash === "#s=host-crash-idle");
  await s.page.locator('#symptom [name="saw"]').uncheck();
  await ask(20);
  await s.page.locator('#symptom [data-fit="grpc"] button[data-preset="grpc"]').click();
  await s.page.waitForSelector("#detect-faster[data-mounted='1']");
  await s.page.waitForFunction(() => document.querySelector("#xp-preset-grpc")?.checked && document.querySelector('[name="xp-case"][value="data"]')?.checked);
  // English follows.
  await s.page.locator("#lang-toggle").click();
  await s.page.waitForFunction(() => document.documentElement.lang === "en");
  assert.match(await s.page.locator("#symptom .symptom-answer").textContent(), /TCP_USER_TIMEOUT/);
  assert.match(await s.page.locator("#symptom summary").textContent(), /Start from the symptom/);
  // The hint names the checkbox by the checkbox's own words, in each language.
  for (const lang of ["en", "zh"]) {
    if (lang === "zh") {
      await s.page.locator("#lang-toggle").click();
      await s.page.waitForFunction(() => document.documentElement.lang === "zh-CN");
    }
    const [hint, label] = await s.page.evaluate(() => [document.querySelector("#symptom .symptom-body p").textContent, document.querySelector('#symptom [name="saw"]').closest("label").textContent]);
    const named = /[“"]([^”"]+)[”"]/.exec(hint)?.[1];
    assert.ok(named && label.includes(named), `${lang}: the hint names “${named}”, the checkbox says “${label.trim()}”`);
  }
  await done(s);
});

test("on a phone each section shows its headline and diagram first and folds the steps", async () => {
  const s = await open("/index.html", PHONE, { ready: true });
  const order = await s.page.evaluate(() => {
    const sec = document.getElementById("keepalive-peer-dead");
    const y = (sel) => sec.querySelector(sel).getBoundingClientRect().top;
    return { h: y("h2"), headline: y(".headline"), diagram: y(".live-diagram"), steps: y("details.explain"), open: sec.querySelector("details.explain").open };
  });
  assert.ok(order.h < order.headline && order.headline < order.diagram && order.diagram < order.steps, JSON.stringify(order));
  assert.equal(order.open, false);
  await done(s);
  const d = await open("/index.html", DESKTOP, { ready: true });
  assert.equal(await d.page.locator("#keepalive-peer-dead details.explain").getAttribute("open"), "");
  await done(d);
});
