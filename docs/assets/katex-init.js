// Render the math that pymdownx.arithmatex (generic mode) leaves as \( … \) and \[ … \]
// with the KaTeX bundled in assets/katex (no network). Material's document$ fires on every
// page load, including instant navigation.
function renderMath(root) {
  root.querySelectorAll(".arithmatex").forEach(function (el) {
    renderMathInElement(el, {
      delimiters: [
        { left: "\\(", right: "\\)", display: false },
        { left: "\\[", right: "\\]", display: true }
      ],
      throwOnError: false
    });
  });
}
if (typeof document$ !== "undefined") {
  document$.subscribe(function () { renderMath(document.body); });
} else {
  document.addEventListener("DOMContentLoaded", function () { renderMath(document.body); });
}
