#!/usr/bin/env bash
# Fetch a pinned local copy of the browser script the website needs, so that it renders maths
# with no network access: MathJax 3 (Sphinx's maths). Only the npm registry is contacted.
# (No ipywidgets embed scripts: no notebook stores widget state, which the hygiene tests check,
# so no page could use them; live widgets run in the live notebooks, see running.md.)
set -euo pipefail
dest=${1:-vendor}
MATHJAX=mathjax@3.2.2
MATHJAX_SHA256=1b9c0a1c44df864e915690558e72adb9cc5203360daefd385084ced3b6c64c09   # the npm tarball

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
( cd "$tmp" && npm pack --silent "$MATHJAX" >/dev/null )
echo "$MATHJAX_SHA256  $(ls "$tmp"/mathjax-*.tgz)" | sha256sum --check --quiet || {
  echo "vendor.sh: $MATHJAX's tarball does not have the pinned sha256 $MATHJAX_SHA256" >&2; exit 1; }
rm -rf "$dest" && mkdir -p "$dest/mathjax"
# MathJax: the one combined file the site loads (Sphinx's default, tex-mml-chtml.js) and the
# component folders it loads from on demand; the other combined files (15 MB) are never used.
tar xzf "$tmp"/mathjax-*.tgz -C "$tmp"
cp -r "$tmp"/package/es5/tex-mml-chtml.js "$tmp"/package/es5/{a11y,adaptors,input,output,sre,ui} \
  "$dest/mathjax/" && rm -rf "$tmp"/package
echo "vendored $MATHJAX into $dest"
