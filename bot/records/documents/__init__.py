"""The documents Parley writes records as: PDF (pdf.py's shared layout; agreement_pdf.py, the
certificate; export_pdf.py, the exported record) and Markdown (agreement_markdown.py,
export_markdown.py; markdown.py sets people's text apart). Pure builders, as bot/blocks' are."""
