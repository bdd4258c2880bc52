// Without the simulator (the wasm failed to load or compile), each section
// shows what readers without JavaScript see: the diagram drawn by the CLI at
// build time, with the defaults. Fetched by app.js only in that case.
export function showPrerendered(lang) {
  for (const fig of document.querySelectorAll("section.scenario figure.diagram")) {
    const id = fig.closest("section").id;
    const img = document.createElement("img");
    const title = fig.closest("section").querySelector("h2 .title").textContent;
    img.src = `prerendered/${id}.${lang}.svg`;
    img.alt = lang === "zh" ? `${title}：时序图` : `${title}: sequence diagram`;
    img.width = 760;
    fig.append(img);
  }
}
