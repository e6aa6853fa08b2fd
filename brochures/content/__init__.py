"""Stage 1, content: read and validate what a clinic wrote (site, topics, front matter, bundles).

Nothing here knows about HTML or PDF; it hands the later stages a checked `Catalogue` and `Bundles`,
or `Problem`s that name the file and line to fix.
"""
