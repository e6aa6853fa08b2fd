"""The local preview: a server that watches, rebuilds and reloads open pages, and the editorial
dashboard it shows. A consumer of the builders, never used by them.
"""
