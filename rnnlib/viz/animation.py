"""Animations for static pages: precomputed frames in a deterministic HTML player.

:func:`animation_html` draws every frame now and embeds them as PNG images in
matplotlib's JavaScript player, so an animation plays on the course website without
a Python kernel (chapter label ``rnn-explore``).
"""
import html as _html
import re

import matplotlib
import matplotlib.pyplot as plt
from matplotlib.animation import FuncAnimation

__all__ = ["animation_html"]


def animation_html(fig, update, frames, *, name, interval=800, dpi=100, default_mode="once",
                   alt=None):
    """Render ``update(frame)`` for each of ``frames`` into a self-contained HTML player.

    For static pages (no Python kernel): the frames are drawn now, embedded as PNG
    images, and played back by matplotlib's JavaScript player (play buttons and a
    slider).  ``update(frame)`` redraws ``fig`` for one frame.  ``name`` (letters,
    digits, underscores) becomes the id of the player's HTML elements, replacing the
    random id matplotlib would use, so the same figure gives the same HTML on every
    run.  ``interval`` is ms per frame, ``dpi`` the frame resolution: a frame is
    ``figure width x dpi`` pixels wide, and a page column is about 680 px, so a
    figure about 6.8 inches wide at the default 100 dpi shows 10-pt labels at their
    size (at 60 dpi they shrink to 8 px and become unreadable).  ``alt``: a
    description of the frames for readers who can not see them (the ``alt``
    attribute of the player's image; a page's images need one).  The figure is
    closed afterwards (it is not shown a second time).  Returns the HTML as a str.

    The player's buttons use Font Awesome icons, which Jupyter and the course
    website's theme already provide; matplotlib's ``<link>`` to a copy on a CDN is
    removed, so the HTML loads nothing from other hosts (the site also works offline).
    """
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise ValueError(f"name: expected letters, digits and underscores (an identifier), "
                         f"got {name!r}")
    frames = list(frames)
    if not frames:
        raise ValueError("frames: expected at least one frame, got none")
    if alt is not None and not isinstance(alt, str):
        raise TypeError(f"alt: expected a description (str) or None, got {type(alt).__name__}")
    if alt is not None and not alt.strip():
        raise ValueError(f"alt: expected a non-empty description, got {alt!r}")
    if default_mode not in ("once", "loop", "reflect"):
        raise ValueError(f"default_mode: expected 'once', 'loop' or 'reflect', "
                         f"got {default_mode!r}")
    try:
        with matplotlib.rc_context({"savefig.dpi": dpi}):
            anim = FuncAnimation(fig, update, frames=frames, interval=interval, repeat=False)
            html = anim.to_jshtml(default_mode=default_mode)
    finally:
        plt.close(fig)
    html = re.sub(r'<link[^>]*font-awesome[^>]*>\s*', "", html)   # no CDN request
    ids = set(re.findall(r"_anim_img([0-9a-f]{32})", html))
    if len(ids) != 1:
        raise RuntimeError(f"animation_html: expected one player id in matplotlib's HTML, "
                           f"found {len(ids)}")
    html = html.replace(ids.pop(), name)
    if alt is not None:
        tag = f'<img id="_anim_img{name}"'
        if html.count(tag) != 1:
            raise RuntimeError(f"animation_html: expected one player image in matplotlib's "
                               f"HTML, found {html.count(tag)}")
        html = html.replace(tag, f'{tag} alt="{_html.escape(alt.strip(), quote=True)}"')
    return html
