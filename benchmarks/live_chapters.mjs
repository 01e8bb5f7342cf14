// Run one chapter's code cells in Pyodide under Node, the way the site's live code does.
//
//   node benchmarks/live_chapters.mjs SITE CELLS.json
//
// SITE is a built site (its lite/static/pyodide is Pyodide 0.27.7 with the course's packages,
// its lite/extensions/@jupyterlite/pyodide-kernel-extension/static/pypi holds the kernel's
// wheels). CELLS.json is a JSON list of the cells' source strings. The JupyterLite kernel's
// own Python side (pyodide_kernel 0.5.2: an IPython InteractiveShell with its display hooks,
// matplotlib's inline backend, loadPackagesFromImports before every cell) is installed from
// the site's wheels and driven as its web worker drives it, so the code path is the browser's
// minus the DOM. Events go to stdout as JSON lines as they happen ("ready", "start", "stream",
// "display", "result", "done", "fatal"), so that the caller can stop a run that takes too long
// and still know how far it got; Pyodide's own console output goes to stderr.
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";

const [site, cellsFile] = process.argv.slice(2);
if (!site || !cellsFile) {
  console.error("usage: node live_chapters.mjs SITE CELLS.json");
  process.exit(2);
}
const pyodideDir = path.resolve(site, "lite", "static", "pyodide");
const pypiDir = path.resolve(
  site, "lite", "extensions", "@jupyterlite", "pyodide-kernel-extension", "static", "pypi");
const t0 = performance.now();
const now = () => (performance.now() - t0) / 1000;
const emit = (obj) => process.stdout.write(JSON.stringify({ t: now(), ...obj }) + "\n");

// The wheels the kernel's worker installs with piplite (the rest comes from the lock).
const KERNEL_WHEELS = ["piplite", "ipykernel", "pyodide_kernel"];

async function main() {
  const cells = JSON.parse(fs.readFileSync(cellsFile, "utf8"));
  const { loadPyodide } = await import(path.join(pyodideDir, "pyodide.mjs"));
  const py = await loadPyodide({
    indexURL: pyodideDir + "/",
    stdout: (s) => process.stderr.write("[py] " + s + "\n"),
    stderr: (s) => process.stderr.write("[py:err] " + s + "\n"),
  });
  // As the worker's initKernel: micropip, then the kernel's packages, then the kernel.
  await py.loadPackage(["micropip", "ssl", "sqlite3", "comm", "ipython"],
                       { messageCallback: () => {} });
  py.FS.mkdirTree("/tmp/wheels");
  const wheels = [];
  for (const name of KERNEL_WHEELS) {
    const file = fs.readdirSync(pypiDir).find((f) => f.startsWith(name + "-") &&
                                                     f.endsWith(".whl"));
    if (!file) throw new Error(`no ${name} wheel in ${pypiDir}`);
    py.FS.writeFile("/tmp/wheels/" + file, fs.readFileSync(path.join(pypiDir, file)));
    wheels.push("emfs:/tmp/wheels/" + file);
  }
  py.globals.set("_wheels", py.toPy(wheels));
  await py.runPythonAsync(`
import micropip
for _w in _wheels:
    await micropip.install(_w, deps=False)
import pyodide_kernel
del _w, _wheels
`);
  const pk = py.globals.get("pyodide_kernel");
  const kernel = pk.kernel_instance;
  const interp = kernel.interpreter;
  // numpy and matplotlib are not imported yet: the first cell that imports them loads them.
  const versions = () => py.runPython(`
import sys, os, importlib.metadata as _md
_v = {"python": sys.version.split()[0], "platform": sys.platform,
      "MPLBACKEND": os.environ.get("MPLBACKEND")}
for _p in ("numpy", "matplotlib", "ipython", "ipywidgets", "pyodide_kernel", "rnnlib"):
    try:
        _v[_p] = _md.version(_p)
    except _md.PackageNotFoundError:
        _v[_p] = None
_v`).toJs({ dict_converter: Object.fromEntries });
  kernel._parent_header = py.toPy({
    header: { msg_id: "live-chapters", msg_type: "execute_request" } });
  const js = (x) => (x instanceof py.ffi.PyProxy
    ? x.toJs({ dict_converter: Object.fromEntries }) : x);
  let cell = -1;
  let comms = 0;
  const textOf = (data) => {
    const d = js(data) || {};
    return { mimes: Object.keys(d).sort(), text: d["text/plain"] ?? null };
  };
  const stream = (name, text) => emit({ ev: "stream", cell, name: js(name), text: js(text) });
  pk.stdout_stream.publish_stream_callback = stream;
  pk.stderr_stream.publish_stream_callback = stream;
  const pub = interp.display_pub;
  pub.display_data_callback = (data) => emit({ ev: "display", cell, ...textOf(data) });
  pub.update_display_data_callback = (data) =>
    emit({ ev: "display", cell, update: true, ...textOf(data) });
  pub.clear_output_callback = () => emit({ ev: "clear", cell });
  interp.displayhook.publish_execution_result = (count, data) =>
    emit({ ev: "result", cell, ...textOf(data) });
  interp.send_comm = () => { comms += 1; };     // widgets: no front end to talk to
  emit({ ev: "ready", versions: versions(), cells: cells.length });

  for (cell = 0; cell < cells.length; cell++) {
    emit({ ev: "start", cell });
    const start = performance.now();
    const res = js(await kernel.run(cells[cell]));
    const seconds = (performance.now() - start) / 1000;
    const error = res.status === "error"
      ? { ename: res.ename, evalue: res.evalue,
          traceback: (res.traceback || []).join("\n").replace(/\x1b\[[0-9;]*m/g, "") }
      : null;
    emit({ ev: "done", cell, seconds, error, comms });
  }
  emit({ ev: "end", versions: versions() });
}

main().then(() => process.exit(0), (err) => {
  emit({ ev: "fatal", error: String(err && err.message ? err.message : err) });
  process.exit(1);
});
