#!/usr/bin/env bash
# Fetch pinned local copies of the browser scripts the website needs, so that it renders maths and
# widgets with no network access: MathJax 3 (Sphinx's maths), RequireJS and the ipywidgets
# HTML manager (myst-nb's widget embedding). Only the npm registry is contacted.
set -euo pipefail
dest=${1:-vendor}
MATHJAX=mathjax@3.2.2
REQUIREJS=requirejs@2.3.7
WIDGETS=@jupyter-widgets/html-manager@1.0.6   # the version myst-nb 1.4 embeds

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
( cd "$tmp" && npm pack --silent "$MATHJAX" "$REQUIREJS" "$WIDGETS" >/dev/null )
rm -rf "$dest" && mkdir -p "$dest/mathjax" "$dest/widgets"
tar xzf "$tmp"/mathjax-*.tgz -C "$tmp" && cp -r "$tmp"/package/es5/. "$dest/mathjax/" && rm -rf "$tmp"/package
tar xzf "$tmp"/requirejs-*.tgz -C "$tmp" && cp "$tmp"/package/require.js "$dest/require.js" && rm -rf "$tmp"/package
tar xzf "$tmp"/jupyter-widgets-html-manager-*.tgz -C "$tmp"
find "$tmp"/package/dist -maxdepth 1 -type f ! -name '*.map' -exec cp {} "$dest/widgets/" \;
echo "vendored $MATHJAX, $REQUIREJS, $WIDGETS into $dest"
