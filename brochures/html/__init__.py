"""Stage 2, html: a topic's Markdown to safe, typeset HTML inside a sandboxed Jinja2 page.

Reads the content stage's types; knows nothing of PDF files or of how a build is run.
"""
