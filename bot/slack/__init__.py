"""Bolt listeners, grouped by feature, plus the request-shape check and the error handler."""
