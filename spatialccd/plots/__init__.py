"""Plots: matplotlib figures for spatialccd results.

Each module draws one family of results and returns matplotlib Axes or Figure objects;
``density`` draws kernel-density evolution (3D surfaces, ridgelines, overlays).
"""
