"""Stage 3, pdf: a page's HTML to PDF bytes with WeasyPrint, and what is done to a PDF afterwards
(booklet imposition); the print variants that decide page size and stylesheets live here too.
"""
