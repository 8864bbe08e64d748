"""Domain operations on a SQLAlchemy Session. Nothing here knows about Slack."""
