"""Stage 4, builders: decide what to render (plan, record), run the render tasks (here, in workers or on
a cluster), write the files atomically and report. The only stage that touches the output folder.
"""
