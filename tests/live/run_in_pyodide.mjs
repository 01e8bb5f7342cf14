// Run the repository's tests with pytest inside Pyodide in Node.js, from a built site's files.
//
//   node run_in_pyodide.mjs PYODIDE_DIR TESTS_DIR WHEEL... -- PYTEST_ARG...
//
// PYODIDE_DIR is the site's lite/static/pyodide folder. Pyodide, rnnlib, numpy and matplotlib
// are loaded from it as the site's JupyterLite kernel loads them (loadPyodide, then
// loadPackagesFromImports against the site's pyodide-lock.json), with the network cut off: a
// package missing from the site fails here instead of being fetched from Pyodide's CDN. Every
// loaded wheel is checked against the lock's sha256, as a browser does (Node does not).
// TESTS_DIR's top-level *.py files are copied into Pyodide's in-memory file system (the
// repository is never written to); the WHEELs (pytest and its pure-Python dependencies,
// test-only) are unpacked into site-packages by inside_pyodide.py, which then runs pytest.
// The last line printed is "PYODIDE-SUMMARY {json}"; the exit status is pytest's.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const seconds = (t) => Number(((performance.now() - t) / 1000).toFixed(1));

// No network: Pyodide in Node fetches through globalThis.fetch (a package missing from the
// site's folder would be downloaded from cdn.jsdelivr.net); any such attempt is an error.
globalThis.fetch = async (url) => {
  throw new Error(`network access attempted (${url}): the site must hold every file`);
};

async function loadFromSite(py, pyodideDir, testsDir) {
  const errors = [];
  const quiet = { messageCallback: () => {}, errorCallback: (m) => errors.push(m) };
  // What a reader's first live cell does, then what the test files themselves import.
  await py.loadPackagesFromImports("import rnnlib",
    { messageCallback: console.log, errorCallback: (m) => errors.push(m) });
  py.FS.mkdirTree("/repo/tests");
  for (const name of fs.readdirSync(testsDir).filter((f) => f.endsWith(".py")).sort()) {
    const source = fs.readFileSync(path.join(testsDir, name), "utf8");
    py.FS.writeFile(`/repo/tests/${name}`, source);
    await py.loadPackagesFromImports(source, quiet);
  }
  await py.loadPackage(["packaging", "pygments"], quiet);  // pytest needs them; the site has them
  const lock = JSON.parse(fs.readFileSync(path.join(pyodideDir, "pyodide-lock.json"), "utf8"));
  for (const name of Object.keys(py.loadedPackages)) {
    const entry = lock.packages[name.toLowerCase()] ?? lock.packages[name];
    const file = path.join(pyodideDir, entry.file_name);
    const digest = crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
    if (digest !== entry.sha256) {
      errors.push(`${entry.file_name}: sha256 ${digest}, the site's lock says ${entry.sha256}`);
    }
  }
  if (errors.length) throw new Error("loading from the site failed:\n" + errors.join("\n"));
  return Object.keys(py.loadedPackages).length;
}

async function main(argv) {
  const [pyodideDir, testsDir, ...rest] = argv;
  const dash = rest.indexOf("--");
  if (!pyodideDir || !testsDir || dash < 0) {
    throw new Error("usage: node run_in_pyodide.mjs PYODIDE_DIR TESTS_DIR WHEEL... -- ARG...");
  }
  let t = performance.now();
  const mjs = pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href;
  const { loadPyodide } = await import(mjs);
  const py = await loadPyodide({
    indexURL: path.resolve(pyodideDir) + "/",
    // The CPython suite runs headless, where matplotlib falls back to Agg; the same here.
    env: { HOME: "/home/pyodide", MPLBACKEND: "Agg" },
  });
  const startup = seconds(t);
  console.log(`Pyodide ${py.version} started in ${startup} s`);

  t = performance.now();
  const count = await loadFromSite(py, pyodideDir, testsDir);
  const load = seconds(t);
  console.log(`${count} packages from the site (rnnlib, numpy, matplotlib, ...; pytest's `
    + `packaging and pygments) loaded and checked in ${load} s`);

  py.FS.mkdirTree("/wheels");
  const wheels = rest.slice(0, dash).map((wheel) => {
    const target = `/wheels/${path.basename(wheel)}`;
    py.FS.writeFile(target, fs.readFileSync(wheel));
    return target;
  });
  py.FS.mkdirTree("/helper");
  py.FS.writeFile("/helper/inside_pyodide.py",
    fs.readFileSync(new URL("inside_pyodide.py", import.meta.url), "utf8"));
  py.FS.chdir("/repo");
  const sys = py.pyimport("sys");
  sys.path.insert(0, "/helper");
  const helper = py.pyimport("inside_pyodide");
  sys.path.remove("/helper");

  t = performance.now();
  const summary = JSON.parse(helper.main(JSON.stringify(wheels),
    JSON.stringify(rest.slice(dash + 1))));
  Object.assign(summary, { startup_seconds: startup, load_seconds: load });
  summary.run_seconds = seconds(t);
  console.log("PYODIDE-SUMMARY " + JSON.stringify(summary));
  return summary.exit_code;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  // A Python exception's message holds its traceback; Node's default report would instead
  // print the line of minified pyodide.asm.js where it surfaced (over a megabyte).
  console.error(`run_in_pyodide: ${error.message}`);
  process.exitCode = 1;
}
