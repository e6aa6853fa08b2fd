"""Stage 4, build: decide what to render (plan, record), run the render tasks (here or in workers),
write the files atomically and report. The only stage that touches the output folder.
"""
