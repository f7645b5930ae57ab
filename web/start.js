// Starts the page's WebAssembly. It is a file of its own, not Trunk's inline loader, so
// the Content-Security-Policy can forbid inline scripts. Trunk fills in the (hashed)
// names of the bindings and the module as data attributes of this script's tag.
const tag = document.querySelector("script[data-wasm]");
const loading = document.getElementById("loading");
try {
  const { default: init } = await import(tag.dataset.js);
  const wasm = await init({ module_or_path: tag.dataset.wasm });
  loading?.remove();
  dispatchEvent(new CustomEvent("TrunkApplicationStarted", { detail: { wasm } }));
} catch (error) {
  if (loading) {
    loading.textContent =
      "This page needs WebAssembly, which this browser could not start (" + error + "). " +
      "The same checks run on the command line: mtasts lint FILE.";
    loading.classList.add("load-failed");
  }
  throw error;
}
