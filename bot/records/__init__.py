"""The record of a dispute, for people to keep and for anyone to check: the agreement's record
(agreement.py) and the whole dispute's as exported (history.py gathers it, export.py shapes it,
export_access.py says who gets how much), `parley verify` for each (verify_agreement.py,
verify_export.py), and the documents they are written as (documents/: PDF and Markdown, pure
builders). It reads the database and never calls Slack."""
