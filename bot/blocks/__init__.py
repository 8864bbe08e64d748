"""Pure Block Kit builders: data in, dicts out, no I/O."""
