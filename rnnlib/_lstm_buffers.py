"""Buffers of the fast LSTM (``rnnlib.lstm``), with their per-step views.

The fast LSTM stores states as columns, ``(H, B)`` per step, and keeps these
buffers between calls with the same (T, B) (creating a view costs as much as a
small NumPy call, so the views of every step are made once here).  Every buffer
is written before it is read: no numbers are carried from one call to the next.
"""
import numpy as np

from ._columns import view_as

__all__ = ["forward_workspace", "backward_workspace"]


def forward_workspace(T, B, H, dt):
    """Buffers of the forward pass: gates, states and per-step views (a dict)."""
    # column layout: G[t] = [i_t; f_t; o_t; g_t; c_{t-1}], shape (5H, B) (row T holds
    # only c_T), so that [i_t; f_t] * [g_t; c_{t-1}] is one multiplication
    G = np.empty((T + 1, 5 * H, B), dtype=dt)
    h = np.empty((T + 1, H, B), dtype=dt)                   # h[t] = h_t as columns
    tc = np.empty((T, H, B), dtype=dt)                      # tanh(c_t)
    ig_fc = np.empty((2 * H, B), dtype=dt)
    gates, c = G[:, :4 * H], G[:, 4 * H:]
    steps = list(zip(range(T), h[:-1], gates, G[:, :3 * H], G[:, :2 * H], G[:, 3 * H:],
                     c[:-1], c[1:], tc, G[:, 2 * H:3 * H], h[1:]))
    ws = {"TB": (T, B), "G": G, "h": h, "tc": tc, "gates": gates, "c": c,
                      "hW": np.empty((4 * H, B), dtype=dt), "ig_fc": ig_fc,
                      "ig": ig_fc[:H], "fc": ig_fc[H:], "steps": steps}
    return ws


def backward_workspace(T, B, H, dt, block):
    """Buffers of the backward pass; local derivatives in blocks of ``block`` elements."""
    # dA[t] = [dh_t * Q_t; da_o; da_i; da_f; da_g; dc_t * f_t]  (6H, B), where
    # Q_t = o_t (1 - tanh^2 c_t) and dc_t * f_t = dL/dc_{t-1} along the cell path; the
    # gate gradients (o, i, f, g) lie side by side for the matrix products
    dA = np.empty((T + 1, 6 * H, B), dtype=dt)
    dy = np.empty((T, H, B), dtype=dt)                      # d_outputs as columns
    dh = np.empty((T, H, B), dtype=dt)                      # dL/dh_t
    dc = np.empty((T, H, B), dtype=dt)                      # dL/dc_t
    # local derivatives, computed for blocks of C steps that stay in the cache:
    # P[k] = [Q; P_o; P_i; P_f; P_g; f] with da_o = dh * P_o, da_i = dc * P_i, ...
    C = max(1, min(T, block // (6 * H * B)))
    P = np.empty((C, 6 * H, B), dtype=dt)
    P_Q_o = view_as(P[:, :2 * H], (C, 2, H, B))
    P_ifg_f = view_as(P[:, 2 * H:], (C, 4, H, B))
    dQ_o = view_as(dA[:, :2 * H], (T + 1, 2, H, B))
    d_ifg_c = view_as(dA[:, 2 * H:], (T + 1, 4, H, B))
    blocks = []
    for t1 in range(T, 0, -C):
        t0 = max(0, t1 - C)
        steps = [(t, dy[t], dh[t], P_Q_o[t - t0], dQ_o[t], dA[t, :H], dA[t + 1, 5 * H:],
                  dc[t], P_ifg_f[t - t0], d_ifg_c[t], dA[t, H:5 * H])
                 for t in range(t1 - 1, t0 - 1, -1)]
        blocks.append((slice(t0, t1), P[:t1 - t0], steps))
    ws = {"TB": (T, B), "dA": dA, "dy": dy, "dh": dh, "dc": dc,
                      "ds": np.empty((C, 3 * H, B), dtype=dt), "blocks": blocks,
                      "dh_next": np.empty((H, B), dtype=dt)}
    return ws

