"""The HTTP side: the WSGI app (routes, size and signature checks) and the request envelope."""
