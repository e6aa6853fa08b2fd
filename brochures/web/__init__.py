"""The web edition: static, self-contained HTML pages from the same Markdown as the PDFs."""
